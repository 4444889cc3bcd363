import { Socket as EngineClient } from "engine.io-client";
import WebSocket from "ws";
import type { Socket } from "@switchboard/server";
import { once, waitFor } from "../support/index.js";
import { connected, startServer, TRANSPORT_MODES, type Fixture } from "./server-fixture.js";

/** A raw Engine.IO WebSocket that has joined the main namespace; records what it receives. */
async function rawSocket(port: number): Promise<{ ws: WebSocket; frames: string[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
  const frames: string[] = [];
  ws.on("message", (data) => frames.push(data.toString()));
  // The server may cut the connection on purpose; the test checks the server side.
  ws.on("error", () => {});
  await once(ws, "open");
  await waitFor(() => frames.length > 0);
  ws.send("40");
  await waitFor(() => frames.some((f) => f.startsWith("40")));
  return { ws, frames };
}

describe.each(TRANSPORT_MODES)("disconnect reasons over %s", (mode) => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startServer({}, mode);
  });
  afterEach(() => f.close());

  async function pair() {
    const conn = once<[Socket]>(f.io, "connection");
    const client = f.client();
    await connected(client);
    const [socket] = await conn;
    return { client, socket };
  }

  it("client namespace disconnect / io client disconnect", async () => {
    const { client, socket } = await pair();
    const disconnecting = once<[string]>(socket, "disconnecting");
    const reason = once<[string]>(socket, "disconnect");
    let roomsWhileDisconnecting: Set<string> | undefined;
    await socket.join("r");
    socket.on("disconnecting", () => (roomsWhileDisconnecting = new Set(socket.rooms)));
    client.disconnect();
    expect((await disconnecting)[0]).toBe("client namespace disconnect");
    expect((await reason)[0]).toBe("client namespace disconnect");
    expect(roomsWhileDisconnecting).toEqual(new Set([socket.id, "r"]));
    expect(socket.rooms.size).toBe(0);
    expect(socket.connected).toBe(false);
    expect(socket.disconnected).toBe(true);
    expect(f.io.sockets.sockets.size).toBe(0);
  });

  it("server namespace disconnect / io server disconnect, with and without closing the connection", async () => {
    const { client, socket } = await pair();
    const clientReason = once<[string]>(client, "disconnect");
    const serverReason = once<[string]>(socket, "disconnect");
    socket.disconnect();
    expect((await serverReason)[0]).toBe("server namespace disconnect");
    expect((await clientReason)[0]).toBe("io server disconnect");
    expect(f.io.sockets.sockets.size).toBe(0);

    const second = await pair();
    const engineClosed = once(second.client.io.engine, "close");
    const reason2 = once<[string]>(second.socket, "disconnect");
    second.socket.disconnect(true);
    expect((await reason2)[0]).toBe("server namespace disconnect");
    await engineClosed;
  });

  it("transport close when the client goes away, forced close when the server closes the engine socket", async () => {
    const { client, socket } = await pair();
    const reason = once<[string]>(socket, "disconnect");
    client.io.engine.close();
    expect((await reason)[0]).toBe("transport close");

    const second = await pair();
    const reason2 = once<[string]>(second.socket, "disconnect");
    second.socket.conn.close();
    expect((await reason2)[0]).toBe("forced close");
  });

  it("server shutting down on close(), which also closes the http server and resolves", async () => {
    const { client, socket } = await pair();
    const reason = once<[string]>(socket, "disconnect");
    const clientReason = once<[string]>(client, "disconnect");
    let callbackCalled = false;
    await f.io.close(() => (callbackCalled = true));
    expect((await reason)[0]).toBe("server shutting down");
    // Over polling the pending GET may be cut rather than answered: the engine decides.
    expect((await clientReason)[0]).toMatch(/^transport (close|error)$/);
    expect(callbackCalled).toBe(true);
    expect(f.io.httpServer?.listening).toBe(false);
  });
});

describe("disconnect reasons the official client cannot provoke", () => {
  let f: Fixture;
  afterEach(() => f.close());

  it("ping timeout when the client stops answering pings", async () => {
    f = await startServer({ pingInterval: 50, pingTimeout: 50 });
    const conn = once<[Socket]>(f.io, "connection");
    const raw = await rawSocket(f.port);
    // The raw client never sends "3" (pong).
    const [socket] = await conn;
    const [reason] = await once<[string]>(socket, "disconnect", 3000);
    expect(reason).toBe("ping timeout");
    raw.ws.terminate();
  });

  it("a malformed Socket.IO packet closes that client only, with 'parse error'", async () => {
    f = await startServer({});
    const sockets: Socket[] = [];
    f.io.on("connection", (s) => sockets.push(s));
    const healthy = f.client();
    await connected(healthy);
    const raw = await rawSocket(f.port);
    await waitFor(() => sockets.length === 2);
    const bad = sockets.find((s) => s.id !== healthy.id)!;
    const errors: Error[] = [];
    bad.on("error", (err) => errors.push(err));
    const reason = once<[string]>(bad, "disconnect");
    const closed = once(raw.ws, "close");
    raw.ws.send('42["unterminated');
    expect((await reason)[0]).toBe("parse error");
    expect(errors[0]?.message).toMatch(/invalid payload/);
    await closed;
    const echo = once<unknown[]>(
      sockets.find((s) => s.id === healthy.id)!,
      "still",
    );
    healthy.emit("still", "alive");
    expect(await echo).toEqual(["alive"]);
  });

  it("transport error when a message exceeds maxHttpBufferSize", async () => {
    f = await startServer({ maxHttpBufferSize: 100 });
    const conn = once<[Socket]>(f.io, "connection");
    const raw = await rawSocket(f.port);
    const [socket] = await conn;
    const reason = once<[string]>(socket, "disconnect");
    raw.ws.send("42" + JSON.stringify(["big", "x".repeat(500)]));
    expect((await reason)[0]).toBe("transport error");
    raw.ws.terminate();
  });

  it("parse error when an Engine.IO packet is malformed", async () => {
    f = await startServer({});
    const conn = once<[Socket]>(f.io, "connection");
    const raw = await rawSocket(f.port);
    const [socket] = await conn;
    const reason = once<[string]>(socket, "disconnect");
    raw.ws.send("9not-a-packet-type");
    expect((await reason)[0]).toBe("parse error");
    raw.ws.terminate();
  });

  it("a malformed Socket.IO packet over polling closes that session with 'parse error'", async () => {
    f = await startServer({});
    const conn = once<[Socket]>(f.io, "connection");
    const base = `${f.url}/socket.io/?EIO=4&transport=polling`;
    const open = await (await fetch(base)).text();
    const { sid } = JSON.parse(open.slice(1)) as { sid: string };
    await (await fetch(`${base}&sid=${sid}`, { method: "POST", body: "40" })).text();
    const [socket] = await conn;
    const reason = once<[string]>(socket, "disconnect");
    await (await fetch(`${base}&sid=${sid}`, { method: "POST", body: "42{not an array}" })).text();
    expect((await reason)[0]).toBe("parse error");
    // The session ends: the next polls deliver what was pending, then the Engine.IO close packet.
    let closed = false;
    for (let i = 0; i < 3 && !closed; i++) {
      const res = await fetch(`${base}&sid=${sid}`);
      const body = await res.text();
      closed = res.status === 400 || body.split("\x1e").includes("1");
    }
    expect(closed).toBe(true);
  });

  it("a reserved event name from the network is refused, not emitted", async () => {
    f = await startServer({});
    const conn = once<[Socket]>(f.io, "connection");
    const raw = await rawSocket(f.port);
    const [socket] = await conn;
    const reason = once<[string]>(socket, "disconnect");
    raw.ws.send('42["disconnect","spoofed"]');
    expect((await reason)[0]).toBe("parse error");
    raw.ws.terminate();
  });

  it("a packet for a namespace the client has not joined closes the connection, as socket.io does", async () => {
    f = await startServer({});
    f.io.of("/other").on("connection", () => {
      throw new Error("must not connect");
    });
    const conn = once<[Socket]>(f.io, "connection");
    const raw = await rawSocket(f.port);
    const [socket] = await conn;
    let got = 0;
    f.io.of("/other").on("x", () => got++);
    const reason = once<[string]>(socket, "disconnect");
    const closed = once(raw.ws, "close");
    raw.ws.send('42/other,["x"]');
    expect((await reason)[0]).toBe("forced server close");
    await closed;
    expect(got).toBe(0);
  });

  it("a second CONNECT to a joined namespace closes the connection, as socket.io does", async () => {
    f = await startServer({});
    const conn = once<[Socket]>(f.io, "connection");
    const raw = await rawSocket(f.port);
    const [socket] = await conn;
    const reason = once<[string]>(socket, "disconnect");
    raw.ws.send("40");
    expect((await reason)[0]).toBe("forced server close");
    expect(f.io.of("/").sockets.size).toBe(0);
  });
});

describe.each(["polling", "websocket"] as const)("connectTimeout over %s", (transport) => {
  let f: Fixture;
  afterEach(() => f.close());

  it("closes a connection that joins no namespace in time, and keeps one that does", async () => {
    // The good client opens first: its connect timer, armed before the lazy one's with the same
    // delay, fires first, so once the lazy client is closed the good one has outlived its timer.
    // 500 ms leaves a loaded machine room to send CONNECT in time.
    f = await startServer({ connectTimeout: 500 });
    const client = f.client("/", { transports: [transport] });
    await connected(client);
    const lazy = new EngineClient(f.url, { path: "/socket.io", transports: [transport] });
    const closed = once<[string]>(lazy, "close", 5000);
    await once(lazy, "open");
    const [reason] = await closed;
    expect(reason).toMatch(/transport close|forced close/);
    // The lazy client may hear its close before the server has counted it out.
    await waitFor(() => f.io.engine.clientsCount === 1, 5000, "the lazy session gone on the server");
    expect(client.connected).toBe(true);
  });
});
