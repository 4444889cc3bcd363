import { createServer } from "node:http";
import { Server as OfficialServer } from "socket.io";
import { io as ioc } from "socket.io-client";
import { Server, type Socket } from "@switchboard/server";
import { closeServer, listen, once } from "../support/index.js";

type AnyServer = Server | OfficialServer;

/** Behaviours checked on socket.io and on ours side by side: each expectation holds on both. */
describe.each([
  ["socket.io", (http?: ReturnType<typeof createServer>) => new OfficialServer(http) as AnyServer],
  ["@switchboard/server", (http?: ReturnType<typeof createServer>) => new Server(http) as AnyServer],
])("%s", (_name, make) => {
  it("names its engine io.eio too", async () => {
    const io = make(createServer());
    // Private in socket.io's typings, read by its own tests and by code written against it.
    const { eio } = io as unknown as { eio: unknown };
    expect(eio).toBeDefined();
    expect(eio).toBe(io.engine);
    await io.close(() => undefined);
  });

  it("hands ERR_SERVER_NOT_RUNNING to the close callback of a server that never listened, and resolves", async () => {
    const io = make(createServer());
    const [err] = await new Promise<[Error & { code?: string }]>((resolve) => void io.close((e) => resolve([e as Error])));
    expect(err?.code).toBe("ERR_SERVER_NOT_RUNNING");
    await expect(make(createServer()).close()).resolves.toBeUndefined();
  });

  it("builds the handshake of a connection that has no HTTP request (a WebTransport session)", async () => {
    const http = createServer();
    const io = make(http);
    const { url } = await listen(http);
    io.engine.on("connection", (conn: { request?: unknown }) => {
      delete conn.request;
    });
    const connection = once<[Socket]>(io as Server, "connection");
    const client = ioc(url, { forceNew: true, reconnection: false, transports: ["websocket"] });
    try {
      const [socket] = await connection;
      expect(socket.handshake.secure).toBe(true);
      expect(socket.handshake.headers).toEqual({});
      expect(socket.handshake.query).toEqual({});
    } finally {
      client.disconnect();
      await io.close();
      await closeServer(http).catch(() => undefined);
    }
  });

  it("rejects a timed-out broadcast emitWithAck with the answers that did arrive on err.responses", async () => {
    const http = createServer();
    const io = make(http);
    const { url } = await listen(http);
    const clients = [1, 2, 3].map(() => ioc(url, { forceNew: true, reconnection: false }));
    try {
      clients[0].on("q", (ack: (n: number) => void) => ack(1));
      clients[1].on("q", (ack: (n: number) => void) => ack(2));
      clients[2].on("q", () => undefined);
      await Promise.all(clients.map((client) => once(client, "connect")));
      const err = (await io
        .timeout(1500)
        .emitWithAck("q")
        .then(
          () => undefined,
          (e: unknown) => e,
        )) as Error & { responses?: number[] };
      expect(err).toBeInstanceOf(Error);
      expect([...(err.responses ?? [])].sort()).toEqual([1, 2]);
      // The client that never answered holds no callback for it any more.
      for (const socket of io.of("/").sockets.values()) expect((socket as unknown as { acks: Map<number, unknown> }).acks.size).toBe(0);
    } finally {
      for (const client of clients) client.disconnect();
      await io.close();
      await closeServer(http).catch(() => undefined);
    }
  });

  it("does not put a socket that has left into a room", async () => {
    const http = createServer();
    const io = make(http);
    const { url } = await listen(http);
    io.on("connection", (socket) => {
      socket.disconnect();
      void socket.join("late-room");
    });
    const client = ioc(url, { forceNew: true, reconnection: false });
    try {
      await once(client, "disconnect");
      expect(io.of("/").adapter.rooms.size).toBe(0);
    } finally {
      client.disconnect();
      await io.close();
      await closeServer(http).catch(() => undefined);
    }
  });
});
