import "reflect-metadata";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { createChatApp } from "../../../examples/chat/nestjs/main.js";
import type { ChatMessage, ClientToServerEvents, ServerToClientEvents } from "../../../examples/chat/shared/events.js";
import { once } from "../../support/index.js";

type ChatClient = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

describe("chat example (NestJS variant) with the official client", () => {
  let app: Awaited<ReturnType<typeof createChatApp>>;
  let url: string;
  const clients: ChatClient[] = [];

  beforeEach(async () => {
    app = await createChatApp();
    await app.listen(0, "127.0.0.1");
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    await app.close();
  });

  async function user(transports: string[] = ["polling", "websocket"]): Promise<ChatClient> {
    const client: ChatClient = connect(url, { transports, forceNew: true, reconnection: false });
    clients.push(client);
    await once(client, "connect");
    return client;
  }

  it("serves the page and the client bundle", async () => {
    const page = await fetch(url + "/");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script src="/socket.io/socket.io.js">');
    const bundle = await fetch(url + "/socket.io/socket.io.js");
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-type")).toMatch(/javascript/);
    expect((await bundle.text()).length).toBeGreaterThan(1000);
  });

  it("lets two users log in, join a room and talk", async () => {
    const alice = await user();
    const bob = await user(["websocket"]);
    expect(await alice.emitWithAck("login", "alice")).toEqual({ ok: true, rooms: ["general", "random"] });
    expect(await bob.emitWithAck("login", "alice")).toEqual({ ok: false, error: 'the username "alice" is taken' });
    expect(await bob.emitWithAck("login", "bob")).toMatchObject({ ok: true });
    expect(await alice.emitWithAck("join", "general")).toMatchObject({ ok: true, users: ["alice"], history: [] });
    const usersSeenByAlice = once<[string, string[]]>(alice, "users");
    expect(await bob.emitWithAck("join", "general")).toMatchObject({ ok: true, users: ["alice", "bob"] });
    expect(await usersSeenByAlice).toEqual(["general", ["alice", "bob"]]);
    const received = once<[ChatMessage]>(bob, "message");
    expect(await alice.emitWithAck("message", "general", "hello bob")).toEqual({ ok: true });
    expect((await received)[0]).toMatchObject({ room: "general", from: "alice", text: "hello bob" });
  });
});
