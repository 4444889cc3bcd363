import "reflect-metadata";
import type { Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import express from "express";
import Fastify from "fastify";
import { Module } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { WebSocketGateway, WebSocketServer } from "@nestjs/websockets";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { switchboard as expressSwitchboard } from "@switchboard/express";
import { switchboard as fastifySwitchboard } from "@switchboard/fastify";
import { SwitchboardAdapter } from "@switchboard/nestjs";
import { createAdapter, type RedisAdapter } from "@switchboard/redis-adapter";
import type { Server } from "@switchboard/server";
import { once } from "../support/index.js";
import { quitClient, redisClient, redisClients, type RedisNodeClient } from "./cluster-nodes.js";
import { startRedis, type RedisServer } from "./redis-server.js";

// Closing an app through its integration (Express: the HTTP server's close, Fastify and Nest:
// `app.close()`) closes the Socket.IO server whole: its Redis adapter gives up its subscriptions.

let redis: RedisServer;
/** A connection of its own, to ask Redis who is subscribed. */
let observer: RedisNodeClient;
const cleanups: Array<() => Promise<void> | void> = [];
let keys = 0;

beforeAll(async () => {
  redis = await startRedis();
  observer = await redisClient(redis.url);
});

afterAll(async () => {
  await quitClient(observer);
  await redis?.stop();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A Redis adapter on a key of its own, with connections the test releases. */
async function redisAdapter() {
  const key = `shutdown-${++keys}`;
  const [pub, sub] = await redisClients(redis.url);
  cleanups.push(() => Promise.all([quitClient(pub), quitClient(sub)]).then(() => undefined));
  return { key, adapter: createAdapter(pub, sub, { key }) };
}

/** Subscribers of the main namespace's request channel, and the adapter's broadcast pattern subscriptions. */
async function subscriptions(key: string): Promise<{ requests: number; patterns: number }> {
  const numsub = await observer.sendCommand<[string, number]>(["PUBSUB", "NUMSUB", `${key}-request#/#`]);
  const patterns = await observer.sendCommand<number>(["PUBSUB", "NUMPAT"]);
  return { requests: Number(numsub[1]), patterns: Number(patterns) };
}

/** Waits for the main namespace's adapter to subscribe, and checks that Redis sees it. */
async function expectSubscribed(io: Server, key: string): Promise<void> {
  await (io.of("/").adapter as unknown as RedisAdapter).init();
  expect(await subscriptions(key)).toEqual({ requests: 1, patterns: 1 });
}

/** A client (WebSocket unless told), connected, with its server-side socket. */
async function connectedClient(url: string, io: Server, transport: "websocket" | "polling" = "websocket"): Promise<ClientSocket> {
  const connection = once(io, "connection");
  const client = connect(url, { transports: [transport], reconnection: false, forceNew: true });
  cleanups.push(() => void client.disconnect());
  await Promise.all([once(client, "connect"), connection]);
  return client;
}

/** Closes through the integration, checks that nothing of the adapter is left on Redis; gives the client's disconnect reason. */
async function closeAndCheck(key: string, client: ClientSocket, close: () => Promise<void>): Promise<string> {
  const disconnected = once<[string]>(client, "disconnect");
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("the close did not finish within 5 s")), 5000);
  });
  try {
    await Promise.race([close(), timeout]);
  } finally {
    clearTimeout(timer);
  }
  expect(await subscriptions(key)).toEqual({ requests: 0, patterns: 0 });
  const [reason] = await disconnected;
  return reason;
}

describe("closing through an integration closes the adapter", () => {
  it("Express: server.close() on the app's HTTP server", async () => {
    const { key, adapter } = await redisAdapter();
    const realtime = expressSwitchboard({ adapter });
    realtime.io.on("connection", (socket) => socket.on("ping", (cb: (v: string) => void) => cb("pong")));
    const app = express();
    app.use(realtime);
    const server = await new Promise<HttpServer>((resolve, reject) => {
      const listening = app.listen(0, "127.0.0.1", (err?: Error) => (err ? reject(err) : resolve(listening)));
    });
    cleanups.push(() => {
      server.closeAllConnections();
      if (server.listening) server.close();
    });
    const { port } = server.address() as AddressInfo;
    await expectSubscribed(realtime.io, key);
    const client = await connectedClient(`http://127.0.0.1:${port}`, realtime.io);
    expect(await client.timeout(2000).emitWithAck("ping")).toBe("pong");

    expect(await closeAndCheck(key, client, () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))))).toBe(
      "transport close",
    );
  });

  it("Express: server.close() with a polling client, which gets what was emitted before", async () => {
    const { key, adapter } = await redisAdapter();
    const realtime = expressSwitchboard({ adapter });
    const app = express();
    app.use(realtime);
    const server = await new Promise<HttpServer>((resolve, reject) => {
      const listening = app.listen(0, "127.0.0.1", (err?: Error) => (err ? reject(err) : resolve(listening)));
    });
    cleanups.push(() => {
      server.closeAllConnections();
      if (server.listening) server.close();
    });
    const { port } = server.address() as AddressInfo;
    await expectSubscribed(realtime.io, key);
    const client = await connectedClient(`http://127.0.0.1:${port}`, realtime.io, "polling");
    const bye = once<[string]>(client, "bye");
    realtime.io.emit("bye", "see you");

    // The session may end before the client polls again (the server then no longer listens: "transport error").
    await closeAndCheck(key, client, () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))));
    expect(await bye).toEqual(["see you"]);
    expect(server.listening).toBe(false);
  });

  it("Fastify: app.close()", async () => {
    const { key, adapter } = await redisAdapter();
    const app = Fastify();
    await app.register(fastifySwitchboard, { adapter });
    await app.listen({ port: 0, host: "127.0.0.1" });
    cleanups.push(() => app.close());
    const { port } = app.server.address() as AddressInfo;
    await expectSubscribed(app.io, key);
    const client = await connectedClient(`http://127.0.0.1:${port}`, app.io);

    expect(await closeAndCheck(key, client, () => app.close())).toBe("transport close");
  });

  it("NestJS: app.close()", async () => {
    const { key, adapter } = await redisAdapter();
    @WebSocketGateway()
    class Gateway {
      @WebSocketServer() io!: Server;
    }
    @Module({ providers: [Gateway] })
    class AppModule {}
    const app = await NestFactory.create(AppModule, { logger: false });
    app.useWebSocketAdapter(new SwitchboardAdapter(app, { adapter }));
    await app.listen(0, "127.0.0.1");
    cleanups.push(() => app.close());
    const { port } = app.getHttpServer().address() as AddressInfo;
    const { io } = app.get(Gateway);
    await expectSubscribed(io, key);
    const client = await connectedClient(`http://127.0.0.1:${port}`, io);

    expect(await closeAndCheck(key, client, () => app.close())).toBe("transport close");
  });
});
