import { Server as EioServer } from "engine.io";
import { createServer } from "node:http";
import { io as ioc } from "socket.io-client";
import { Server, type Socket } from "@switchboard/server";
import { closeServer, listen, once } from "../support/index.js";
import { connected, startServer, TRANSPORT_MODES, upgraded, type Fixture } from "./server-fixture.js";

describe.each(TRANSPORT_MODES)("Server events and acks over %s", (mode) => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startServer({}, mode);
  });
  afterEach(() => f.close());

  it("connects, gives the socket a 20-char id and a handshake, and exchanges events both ways", async () => {
    const serverSocket = once<[Socket]>(f.io, "connection");
    const client = f.client("/", { auth: { token: "abc" }, query: { room: "r1" } });
    await connected(client);
    const [socket] = await serverSocket;
    expect(socket.id).toHaveLength(20);
    expect(client.id).toBe(socket.id);
    expect(socket.id).not.toBe(socket.conn.id);
    expect(socket.rooms).toEqual(new Set([socket.id]));
    expect(socket.handshake.auth).toEqual({ token: "abc" });
    expect(socket.handshake.query.room).toBe("r1");
    expect(socket.handshake.address).toMatch(/127\.0\.0\.1/);
    expect(typeof socket.handshake.issued).toBe("number");
    expect(socket.handshake.url).toContain("/socket.io/");
    expect(socket.handshake.xdomain).toBe(false);
    expect(socket.handshake.secure).toBe(false);
    expect(socket.request.headers).toBe(socket.handshake.headers);
    expect(socket.connected).toBe(true);
    expect(socket.disconnected).toBe(false);
    expect(socket.recovered).toBe(false);
    await upgraded(client, mode);

    const fromServer = once<unknown[]>(client, "hello");
    socket.emit("hello", "world", 42, { nested: [1, 2] });
    expect(await fromServer).toEqual(["world", 42, { nested: [1, 2] }]);

    const fromClient = once<unknown[]>(socket, "ping");
    client.emit("ping", "a", null, [true]);
    expect(await fromClient).toEqual(["a", null, [true]]);

    const message = once<unknown[]>(client, "message");
    socket.send("via send");
    expect(await message).toEqual(["via send"]);
  });

  it("carries binary payloads both ways", async () => {
    const serverSocket = once<[Socket]>(f.io, "connection");
    const client = f.client();
    await connected(client);
    const [socket] = await serverSocket;
    await upgraded(client, mode);

    const fromServer = once<unknown[]>(client, "bin");
    socket.emit("bin", Buffer.from([1, 2, 3]), { deep: Buffer.from([4]) });
    const [a, b] = await fromServer;
    expect(Buffer.from(a as ArrayBuffer)).toEqual(Buffer.from([1, 2, 3]));
    expect(Buffer.from((b as { deep: ArrayBuffer }).deep)).toEqual(Buffer.from([4]));

    const fromClient = once<unknown[]>(socket, "bin");
    client.emit("bin", new Uint8Array([9, 8]), "text");
    const [c, d] = await fromClient;
    expect(Buffer.isBuffer(c)).toBe(true);
    expect([...(c as Buffer)]).toEqual([9, 8]);
    expect(d).toBe("text");
  });

  it("acknowledges in both directions, with timeout() and emitWithAck", async () => {
    const serverSocket = once<[Socket]>(f.io, "connection");
    const client = f.client();
    client.on("question", (n: number, cb: (r: number) => void) => cb(n * 2));
    client.on("silent", () => {});
    await connected(client);
    const [socket] = await serverSocket;
    socket.on("sum", (a: number, b: number, cb: (r: number) => void) => cb(a + b));
    await upgraded(client, mode);

    // client -> server ack
    expect(await client.emitWithAck("sum", 2, 3)).toBe(5);
    // server -> client ack, callback style
    const answer = await new Promise((resolve) => socket.emit("question", 21, resolve));
    expect(answer).toBe(42);
    // timeout(): error first, then the value
    const timed = await new Promise<unknown[]>((resolve) => socket.timeout(2000).emit("question", 5, (...args: unknown[]) => resolve(args)));
    expect(timed).toEqual([null, 10]);
    expect(await socket.emitWithAck("question", 4)).toBe(8);
    expect(await socket.timeout(2000).emitWithAck("question", 1)).toBe(2);
    await expect(socket.timeout(50).emitWithAck("silent")).rejects.toThrow("operation has timed out");
    const err = await new Promise((resolve) => socket.timeout(50).emit("silent", resolve));
    expect(err).toBeInstanceOf(Error);
  });

  it("throws on reserved event names and runs packet middlewares (errors become 'error')", async () => {
    const serverSocket = once<[Socket]>(f.io, "connection");
    const client = f.client();
    await connected(client);
    const [socket] = await serverSocket;
    expect(() => socket.emit("disconnect")).toThrow(/reserved event name/);
    expect(() => f.io.emit("connect")).toThrow(/reserved event name/);
    expect(() => f.io.to("x").emit("disconnecting")).toThrow(expect.objectContaining({ code: "RESERVED_EVENT" }));

    const seen: unknown[] = [];
    socket.use(([event, ...args], next) => {
      seen.push(event);
      if (event === "forbidden") return next(new Error("unauthorized event"));
      args.push("added-by-middleware");
      next();
    });
    const error = once<[Error]>(socket, "error");
    client.emit("forbidden");
    expect((await error)[0].message).toBe("unauthorized event");
    const ok = once<unknown[]>(socket, "allowed");
    client.emit("allowed", 1);
    expect(await ok).toEqual([1]);
    expect(seen).toEqual(["forbidden", "allowed"]);
  });

  it("calls catch-all listeners, incoming and outgoing", async () => {
    const serverSocket = once<[Socket]>(f.io, "connection");
    const client = f.client();
    await connected(client);
    const [socket] = await serverSocket;
    const incoming: unknown[][] = [];
    const outgoing: unknown[][] = [];
    const first = (...args: unknown[]) => incoming.push(["first", ...args]);
    socket.onAny((...args) => incoming.push(args));
    socket.prependAny(first);
    socket.onAnyOutgoing((...args) => outgoing.push(args));
    expect(socket.listenersAny()).toHaveLength(2);
    expect(socket.listenersAnyOutgoing()).toHaveLength(1);

    const got = once(socket, "e1");
    client.emit("e1", 1);
    await got;
    expect(incoming).toEqual([
      ["first", "e1", 1],
      ["e1", 1],
    ]);
    socket.offAny(first);
    expect(socket.listenersAny()).toHaveLength(1);

    const received = once(client, "out");
    socket.emit("out", "x");
    f.io.emit("out", "y");
    await received;
    expect(outgoing).toEqual([
      ["out", "x"],
      ["out", "y"],
    ]);
    socket.offAnyOutgoing();
    expect(socket.listenersAnyOutgoing()).toEqual([]);
  });
});

describe("Server.bind(engine)", () => {
  it("runs on the official engine.io server too", async () => {
    const http = createServer();
    const engine = new EioServer();
    engine.attach(http, { path: "/socket.io/" });
    const io = new Server().bind(engine);
    const { url } = await listen(http);
    const client = ioc(url, { forceNew: true, reconnection: false });
    io.on("connection", (socket) => socket.on("echo", (v: string, cb: (v: string) => void) => cb(v)));
    try {
      await connected(client);
      expect(await client.emitWithAck("echo", "through engine.io")).toBe("through engine.io");
      const [socket] = [...io.sockets.sockets.values()];
      const direct = once<unknown[]>(client, "direct");
      socket.emit("direct", 1);
      expect(await direct).toEqual([1]);
      const all = once<unknown[]>(client, "all");
      io.compress(false).emit("all", Buffer.from([7]));
      expect([...new Uint8Array((await all)[0] as ArrayBuffer)]).toEqual([7]);
      expect(io.engine).toBe(engine);
    } finally {
      client.disconnect();
      await io.close();
      await closeServer(http);
    }
  });

  it("hands engine.io's WebSocket transport a prebuilt broadcast frame it can write (an array of Buffers)", async () => {
    const http = createServer();
    const engine = new EioServer({ perMessageDeflate: false });
    engine.attach(http, { path: "/socket.io/" });
    const io = new Server().bind(engine);
    const { url } = await listen(http);
    const client = ioc(url, { forceNew: true, reconnection: false, transports: ["websocket"] });
    try {
      const [[socket]] = await Promise.all([once<[Socket]>(io, "connection"), connected(client)]);
      const frames = once<[{ options?: { wsPreEncodedFrame?: unknown } }]>(socket.conn, "packetCreate");
      const news = once<unknown[]>(client, "news");
      io.compress(false).emit("news", "text broadcast");
      const [packet] = await frames;
      expect(Array.isArray(packet.options?.wsPreEncodedFrame)).toBe(true);
      expect(await news).toEqual(["text broadcast"]);
    } finally {
      client.disconnect();
      await io.close();
      await closeServer(http);
    }
  });
});
