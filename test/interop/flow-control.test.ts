// Flow control on real sockets: `emit()` returns false once the connection holds
// `writeBufferHighWaterMark` bytes, `drain` says when it fell back under. A producer that obeys it
// never holds more than the mark plus one message, even for a consumer that stops reading, and
// every message arrives once, in order.
import type { Socket as NetSocket } from "node:net";
import { createServer } from "node:http";
import { io as sbio, type Socket as SbClientSocket } from "@switchboard/client";
import { Server, type Socket } from "@switchboard/server";
import type { Socket as ClientSocket } from "socket.io-client";
import { closeServer, listen, once } from "../support/index.js";
import { connected, startServer, type Fixture } from "./server-fixture.js";

const MARK = 256 * 1024;
const PAYLOAD = "x".repeat(32 * 1024);
// What one emit of PAYLOAD adds, framing and packet header included, with room to spare.
const ONE_MESSAGE = PAYLOAD.length + 1024;

interface Producer {
  /**
   * Emits until `total` messages are out, waiting for `drain` after a false emit; with `stalled`,
   * returns early once that holds while waiting (the consumer stopped reading).
   */
  run(total: number, stalled?: () => boolean): Promise<void>;
  sent: number;
  falseEmits: number;
  /** The most the connection held right after an emit. */
  maxHeld: number;
}

interface Drainable {
  once(event: "drain", listener: () => void): unknown;
  off(event: "drain", listener: () => void): unknown;
}

/**
 * Resolves true on the next `drain`, or false as soon as `stalled()` holds (checked every few
 * milliseconds: a stall is a state, not an event). Rejects after 10 s.
 */
function drainOrStall(emitter: Drainable, stalled: () => boolean = () => false): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 10000;
    let timer: NodeJS.Timeout | undefined;
    const onDrain = () => {
      clearTimeout(timer);
      resolve(true);
    };
    emitter.once("drain", onDrain);
    const check = () => {
      if (stalled()) {
        emitter.off("drain", onDrain);
        resolve(false);
      } else if (Date.now() > deadline) {
        emitter.off("drain", onDrain);
        reject(new Error('timed out after 10000 ms waiting for "drain"'));
      } else {
        timer = setTimeout(check, 5);
      }
    };
    check();
  });
}

/** A producer of numbered chunks that pauses on a false emit until `drain`. */
function producer(emitter: Drainable, emit: (i: number) => boolean, held: () => number): Producer {
  const p: Producer = {
    sent: 0,
    falseEmits: 0,
    maxHeld: 0,
    async run(total, stalled) {
      while (p.sent < total) {
        const ok = emit(p.sent++);
        p.maxHeld = Math.max(p.maxHeld, held());
        if (ok) continue;
        p.falseEmits++;
        if (!(await drainOrStall(emitter, stalled))) return;
      }
    },
  };
  return p;
}

/** The TCP socket under a `ws` WebSocket (a private field of `ws`). */
function tcpOf(ws: unknown): NetSocket {
  return (ws as { _socket: NetSocket })._socket;
}

describe.each(["websocket", "polling"] as const)("server flow control over %s (official client)", (mode) => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startServer({ writeBufferHighWaterMark: MARK }, mode);
  });
  afterEach(() => f.close());

  async function pair(): Promise<{ client: ClientSocket; socket: Socket }> {
    const conn = once<[Socket]>(f.io, "connection");
    const client = f.client();
    await connected(client);
    const [socket] = await conn;
    return { client, socket };
  }

  it("a tight loop sees false, waits for drain, and every message arrives once in order", async () => {
    const { client, socket } = await pair();
    const received: number[] = [];
    client.on("chunk", (i: number) => received.push(i));
    const p = producer(
      socket,
      (i) => socket.emit("chunk", i, PAYLOAD),
      () => socket.conn.bufferedAmount ?? 0,
    );
    await p.run(64);
    expect(p.falseEmits).toBeGreaterThan(0);
    expect(p.maxHeld).toBeLessThan(MARK + ONE_MESSAGE);
    const end = once(client, "end");
    socket.emit("end");
    await end;
    expect(received).toEqual(Array.from({ length: 64 }, (_, i) => i));
  });
});

/**
 * A client whose TCP socket stopped reading, and a producer of numbered `payload` chunks toward
 * it on the server. Stalled: waiting for drain while the server's TCP socket itself holds bytes
 * (the kernel buffers between the two are full), so nothing drains until the client reads.
 */
async function stoppedReader(fx: Fixture, payload: string) {
  const conn = once<[Socket]>(fx.io, "connection");
  const client = fx.client();
  await connected(client);
  const [socket] = await conn;
  const received: number[] = [];
  client.on("chunk", (i: number) => received.push(i));
  const clientTcp = tcpOf((client.io.engine.transport as unknown as { ws: unknown }).ws);
  clientTcp.pause();
  const p = producer(
    socket,
    (i) => socket.emit("chunk", i, payload),
    () => socket.conn.bufferedAmount ?? 0,
  );
  const serverWs = (socket.conn.transport as unknown as { socket: unknown }).socket;
  const stalled = () => socket.writableNeedDrain && tcpOf(serverWs).writableLength > 0;
  return { client, socket, received, clientTcp, p, stalled };
}

describe("server flow control toward a client that stops reading", () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startServer({ writeBufferHighWaterMark: MARK }, "websocket");
  });
  afterEach(() => f.close());

  it("emit() stays false until the consumer reads again, then drain; nothing lost or repeated", async () => {
    const { client, socket, received, clientTcp, p, stalled } = await stoppedReader(f, PAYLOAD);
    await p.run(100_000, stalled);
    expect(stalled()).toBe(true);
    expect(socket.writableNeedDrain).toBe(true);
    expect(socket.conn.writableNeedDrain).toBe(true);
    expect(p.maxHeld).toBeLessThan(MARK + ONE_MESSAGE);
    expect(socket.conn.bufferedAmount ?? 0).toBeLessThan(MARK + ONE_MESSAGE);

    const drained = once(socket, "drain", 10000);
    clientTcp.resume();
    await drained;
    expect(socket.writableNeedDrain).toBe(false);

    await p.run(p.sent + 64);
    expect(p.maxHeld).toBeLessThan(MARK + ONE_MESSAGE);
    const end = once(client, "end", 10000);
    socket.emit("end");
    await end;
    expect(received).toEqual(Array.from({ length: p.sent }, (_, i) => i));
  });

  it("with a mark below the TCP socket's own buffer, drain still comes once the consumer reads", async () => {
    // 4 KB: what the server's TCP socket holds when the kernel buffers are full may stay under
    // Node's own 16 KB mark, so no `drain` of the TCP socket would ever say it emptied.
    const small = await startServer({ writeBufferHighWaterMark: 4096 }, "websocket");
    try {
      const { client, socket, received, clientTcp, p, stalled } = await stoppedReader(small, "y".repeat(1024));
      await p.run(1_000_000, stalled);
      expect(stalled()).toBe(true);

      const drained = once(socket, "drain", 10000);
      clientTcp.resume();
      await drained;
      expect(socket.writableNeedDrain).toBe(false);
      const end = once(client, "end", 10000);
      socket.emit("end");
      await end;
      expect(received).toEqual(Array.from({ length: p.sent }, (_, i) => i));
    } finally {
      await small.close();
    }
  });

  it("a client cannot fake the drain event, and the server cannot emit it", async () => {
    const conn = once<[Socket]>(f.io, "connection");
    const client = f.client();
    await connected(client);
    const [socket] = await conn;
    const heard: string[] = [];
    socket.on("drain", () => heard.push("drain"));
    socket.on("after", () => heard.push("after"));
    const after = once(socket, "after");
    client.emit("drain");
    client.emit("after");
    await after;
    expect(heard).toEqual(["after"]);
    expect(socket.connected).toBe(true);
    expect(() => (socket.emit as (ev: string) => boolean)("drain")).toThrow('"drain" is a reserved event name');
    expect(() => (f.io.emit as (ev: string) => boolean)("drain")).toThrow('"drain" is a reserved event name');
  });
});

describe("client flow control toward a server that stops reading", () => {
  let io: Server;
  let http: ReturnType<typeof createServer>;
  let url: string;
  let client: SbClientSocket | undefined;

  beforeEach(async () => {
    http = createServer();
    io = new Server(http);
    ({ url } = await listen(http));
  });
  afterEach(async () => {
    client?.disconnect();
    client = undefined;
    await io.close();
    await closeServer(http);
  });

  it("emit() returns false over the mark, drain comes once the server reads, every message arrives in order", async () => {
    const conn = once<[Socket]>(io, "connection");
    client = sbio(url, { forceNew: true, reconnection: false, transports: ["websocket"], writeBufferHighWaterMark: MARK });
    await once(client, "connect");
    const [socket] = await conn;
    const c = client;
    const received: number[] = [];
    socket.on("chunk", (i: number) => received.push(i));
    const serverTcp = tcpOf((socket.conn.transport as unknown as { socket: unknown }).socket);
    serverTcp.pause();

    const p = producer(
      c,
      (i) => !c.emit("chunk", i, PAYLOAD).writableNeedDrain,
      () => c.io.engine.bufferedAmount,
    );
    // Stalled: waiting for drain while the client's WebSocket itself holds bytes (the kernel
    // buffers are full).
    const stalled = () => c.writableNeedDrain && (c.io.engine.transport.bufferedAmount ?? 0) > 0;
    await p.run(100_000, stalled);
    expect(c.writableNeedDrain).toBe(true);
    expect(p.maxHeld).toBeLessThan(MARK + ONE_MESSAGE);

    const drained = once(c, "drain", 10000);
    serverTcp.resume();
    await drained;
    expect(c.writableNeedDrain).toBe(false);

    await p.run(p.sent + 64);
    expect(p.maxHeld).toBeLessThan(MARK + ONE_MESSAGE);
    const end = once(socket, "end", 10000);
    c.emit("end");
    await end;
    expect(received).toEqual(Array.from({ length: p.sent }, (_, i) => i));
  });

  it("a producer waiting when the connection drops gets drain once the client has reconnected", async () => {
    const firstConn = once<[Socket]>(io, "connection");
    client = sbio(url, { forceNew: true, reconnectionDelay: 10, randomizationFactor: 0, transports: ["websocket"], writeBufferHighWaterMark: MARK });
    await once(client, "connect");
    const [first] = await firstConn;
    const c = client;
    const serverTcp = tcpOf((first.conn.transport as unknown as { socket: unknown }).socket);
    serverTcp.pause();
    const p = producer(
      c,
      (i) => !c.emit("chunk", i, PAYLOAD).writableNeedDrain,
      () => c.io.engine.bufferedAmount,
    );
    await p.run(100_000, () => c.writableNeedDrain && (c.io.engine.transport.bufferedAmount ?? 0) > 0);
    expect(c.writableNeedDrain).toBe(true);
    const drained = once(c, "drain", 10000);
    const reconnected = once(c, "connect", 10000);
    serverTcp.destroy();
    await reconnected;
    await drained;
    expect(c.writableNeedDrain).toBe(false);
  });

  it("a tight loop over polling sees false and drains as requests complete", async () => {
    const conn = once<[Socket]>(io, "connection");
    client = sbio(url, { forceNew: true, reconnection: false, transports: ["polling"], writeBufferHighWaterMark: MARK });
    await once(client, "connect");
    const [socket] = await conn;
    const c = client;
    const received: number[] = [];
    socket.on("chunk", (i: number) => received.push(i));
    const p = producer(
      c,
      (i) => !c.emit("chunk", i, PAYLOAD).writableNeedDrain,
      () => c.io.engine.bufferedAmount,
    );
    await p.run(48);
    expect(p.falseEmits).toBeGreaterThan(0);
    expect(p.maxHeld).toBeLessThan(MARK + ONE_MESSAGE);
    const end = once(socket, "end", 10000);
    c.emit("end");
    await end;
    expect(received).toEqual(Array.from({ length: 48 }, (_, i) => i));
  });

  it("an incoming drain event is dropped and emitting one throws", async () => {
    const conn = once<[Socket]>(io, "connection");
    client = sbio(url, { forceNew: true, reconnection: false, transports: ["websocket"] });
    await once(client, "connect");
    const [socket] = await conn;
    const heard: string[] = [];
    client.on("drain", () => heard.push("drain"));
    client.on("after", () => heard.push("after"));
    const after = once(client, "after");
    // A peer (socket.io, or a server emitting with the engine directly) may still send one.
    socket.conn.write('2["drain"]');
    socket.emit("after");
    await after;
    expect(heard).toEqual(["after"]);
    expect(() => (client!.emit as (ev: string) => unknown)("drain")).toThrow('"drain" is a reserved event name');
  });
});
