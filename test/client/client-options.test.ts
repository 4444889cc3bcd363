import { jest } from "@jest/globals";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { io, type Socket } from "@switchboard/client";
import { Server as EngineIoServer } from "engine.io";
import { closeServer, listen, once } from "../support/index.js";
import type { ServerHandle } from "./server-factory.js";
import { serverFactories } from "./server-factories.js";

type FakeTimersConfig = Extract<NonNullable<Parameters<typeof jest.useFakeTimers>[0]>, { doNotFake?: unknown }>;
type FakeableAPI = NonNullable<FakeTimersConfig["doNotFake"]>[number];

const REAL_TIMERS: FakeableAPI[] = [
  "hrtime",
  "nextTick",
  "performance",
  "queueMicrotask",
  "setImmediate",
  "clearImmediate",
  "setInterval",
  "clearInterval",
  "setTimeout",
  "clearTimeout",
];

// Client options of socket.io-client 4.x (useNativeTimers, binaryType, IPv6 URLs, `_queue`) and
// what the client does when acknowledgements or the heartbeat are cut short. autoUnref runs in
// child processes: auto-unref.test.ts.

describe.each(serverFactories.map((f) => [f.name, f] as const))("client options against %s", (_name, factory) => {
  let server: ServerHandle | undefined;
  const sockets: Socket[] = [];

  function client(opts: Record<string, unknown> = {}, url = server!.url): Socket {
    const socket = io(url, { forceNew: true, ...opts });
    sockets.push(socket);
    return socket;
  }

  afterEach(async () => {
    jest.useRealTimers();
    for (const s of sockets.splice(0)) {
      s.disconnect();
      s.io._close();
    }
    await server?.close();
    server = undefined;
  });

  describe("useNativeTimers", () => {
    const timing = { reconnectionDelay: 100, reconnectionDelayMax: 100, randomizationFactor: 0 };
    // What stays real once the fake clock is installed: I/O callbacks need these.
    const fakeTimers = () => jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });

    async function connectThenDrop(opts: Record<string, unknown>): Promise<Socket> {
      server = await factory.start({}, (srv) => srv.on("connection", (s: any) => s.on("drop", () => s.conn.close())));
      const socket = client({ ...timing, ...opts });
      await once(socket, "connect");
      return socket;
    }

    test("without it, fake timers installed later drive the reconnection delay", async () => {
      const socket = await connectThenDrop({});
      fakeTimers();
      const closed = new Promise((resolve) => socket.io.once("close", resolve));
      socket.emit("drop");
      await closed;
      const attempts: number[] = [];
      socket.io.on("reconnect_attempt", (n: number) => attempts.push(n));
      jest.advanceTimersByTime(99);
      expect(attempts).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(attempts).toEqual([1]);
    });

    test("with it, the client's timers ignore fake timers installed after it was created", async () => {
      const socket = await connectThenDrop({ useNativeTimers: true });
      fakeTimers();
      const closed = new Promise((resolve) => socket.io.once("close", resolve));
      socket.emit("drop");
      await closed;
      // The fake clock never moves: only real timers can bring the socket back.
      await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
      expect(socket.connected).toBe(true);
    });

    test("with it, ack timeouts run on real timers too", async () => {
      server = await factory.start();
      const socket = client({ useNativeTimers: true });
      await once(socket, "connect");
      fakeTimers();
      const err = await socket
        .timeout(50)
        .emitWithAck("never-answered")
        .catch((e: Error) => e);
      expect((err as Error).message).toBe("operation has timed out");
    });
  });

  describe("binaryType", () => {
    test.each([["polling"], ["websocket"]])("binary arrives as Buffer by default in Node, as ArrayBuffer once set (%s)", async (transport) => {
      server = await factory.start({}, (srv) => srv.on("connection", (s: any) => s.on("send-me", (cb: (b: Buffer) => void) => cb(Buffer.from([1, 2, 3])))));
      const socket = client({ transports: [transport] });
      expect(socket.io.engine.binaryType).toBe("nodebuffer");
      await once(socket, "connect");
      const asBuffer = await socket.emitWithAck("send-me");
      expect(Buffer.isBuffer(asBuffer)).toBe(true);

      socket.io.engine.binaryType = "arraybuffer";
      const asArrayBuffer = await socket.emitWithAck("send-me");
      expect(asArrayBuffer).toBeInstanceOf(ArrayBuffer);
      expect([...new Uint8Array(asArrayBuffer as ArrayBuffer)]).toEqual([1, 2, 3]);
    });
  });

  describe("the retry queue (_queue)", () => {
    test("shows the emits not acknowledged yet, oldest first, as a read-only copy", async () => {
      server = await factory.start({}, (srv) => srv.on("connection", (s: any) => s.on("echo", (v: number, cb: (v: number) => void) => cb(v))));
      const socket = client({ retries: 2, ackTimeout: 1000 });
      expect(socket._queue).toEqual([]);
      const lengths: number[] = [];
      const done = new Promise<void>((resolve) => {
        socket.emit("echo", 1, () => lengths.push(socket._queue.length));
        socket.emit("echo", 2, () => lengths.push(socket._queue.length));
        socket.emit("echo", 3, (err: unknown, v: number) => {
          lengths.push(socket._queue.length);
          expect(err).toBeNull();
          expect(v).toBe(3);
          resolve();
        });
      });
      expect(socket._queue.map((p) => p.args.slice(0, 2))).toEqual([
        ["echo", 1],
        ["echo", 2],
        ["echo", 3],
      ]);
      const view = socket._queue as unknown as unknown[];
      expect(() => view.pop()).not.toThrow();
      expect(socket._queue).toHaveLength(3);
      expect(() => ((socket._queue[0] as any).tryCount = 9)).toThrow(TypeError);
      await done;
      expect(lengths).toEqual([2, 1, 0]);
    });
  });

  describe("acknowledgements cut short by a disconnection", () => {
    test("a plain callback is dropped; a callback with a timeout gets an error at once", async () => {
      server = await factory.start({}, (srv) => srv.on("connection", (s: any) => s.on("echo", (v: string, cb: (v: string) => void) => cb(v))));
      const socket = client();
      await once(socket, "connect");
      const calls: unknown[] = [];
      socket.emit("echo", "dropped", (v: unknown) => calls.push(v));
      const failed = new Promise<Error>((resolve) => socket.timeout(10_000).emit("echo", "late", (err: Error) => resolve(err)));
      socket.disconnect();
      expect((await failed).message).toBe("socket has been disconnected");
      socket.connect();
      await once(socket, "connect");
      // The server answers in order: once this answer is in, the dropped one can no longer come.
      expect(await socket.emitWithAck("echo", "after")).toBe("after");
      expect(calls).toEqual([]);
    });
  });

  describe("a heartbeat whose timer was throttled", () => {
    test("an emit after the ping deadline is buffered, the connection renewed, and the emit delivered", async () => {
      server = await factory.start({ pingInterval: 300, pingTimeout: 200 }, (srv) =>
        srv.on("connection", (s: any) => s.on("echo", (v: string, cb: (v: string) => void) => cb(v))),
      );
      const socket = client({ reconnectionDelay: 10, reconnectionDelayMax: 10 });
      await once(socket, "connect");
      const firstId = socket.id;
      // A background tab: the clock moves on, the client's ping timer has not fired yet. Only
      // Date is faked: every timer stays real.
      jest.useFakeTimers({ doNotFake: REAL_TIMERS, now: Date.now() });
      jest.setSystemTime(Date.now() + 1000);
      const reasons: string[] = [];
      socket.on("disconnect", (reason: string) => reasons.push(reason));
      const answer = socket.emitWithAck("echo", "123");
      expect(socket.sendBuffer).toHaveLength(1);
      expect(await answer).toBe("123");
      expect(reasons).toEqual(["ping timeout"]);
      expect(socket.id).not.toBe(firstId);
    });
  });
});

describe("a server speaking Socket.IO v2 (no sid in its CONNECT answer)", () => {
  test("the client reports connect_error, saying the versions are not compatible", async () => {
    const http = createServer();
    const engine = new EngineIoServer({ path: "/socket.io/" } as any);
    engine.attach(http, { path: "/socket.io/" });
    // A v2 server answers the namespace CONNECT with a bare "0".
    engine.on("connection", (conn: any) => conn.on("message", (data: string) => data.startsWith("0") && conn.send("0")));
    const { url } = await listen(http);
    const socket = io(url, { forceNew: true, reconnection: false });
    try {
      const [err] = await once<[Error]>(socket, "connect_error");
      expect(err.message).toMatch(/Socket\.IO server in v2\.x with a v3\.x client/);
    } finally {
      socket.disconnect();
      socket.io._close();
      engine.close();
      await closeServer(http);
    }
  });
});

describe("IPv6 hosts", () => {
  test.each([["polling"], ["websocket"]])("connects to a server listening on [::1] over %s", async (transport) => {
    const { Server } = await import("@switchboard/server");
    const http = createServer();
    const srv = new Server(http);
    const remote: string[] = [];
    srv.on("connection", (s) => {
      remote.push(s.handshake.address);
      s.on("where", (cb: (host: string) => void) => cb(String(s.handshake.headers.host)));
    });
    await new Promise<void>((resolve, reject) => http.once("error", reject).listen(0, "::1", resolve));
    const { port } = http.address() as AddressInfo;
    const socket = io(`http://[::1]:${port}`, { forceNew: true, transports: [transport] });
    try {
      await once(socket, "connect");
      expect(await socket.emitWithAck("where")).toBe(`[::1]:${port}`);
      expect(remote).toEqual(["::1"]);
      expect(socket.io.engine.transport.name).toBe(transport);
    } finally {
      socket.disconnect();
      socket.io._close();
      await new Promise<void>((resolve) => void srv.close(() => resolve()));
      await closeServer(http);
    }
  });
});
