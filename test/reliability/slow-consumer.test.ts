// A client that stops reading must not make the server buffer without bound (maxWriteBufferSize):
// volatile packets are dropped first, then the session closes with "write buffer full", while a
// healthy client on the same server keeps receiving everything.
import { createServer, request as httpRequest } from "node:http";
import type { Socket as NetSocket } from "node:net";
import WebSocket from "ws";
import { Engine, type Socket, type EngineSocket, type EngineOptions, type ServerOptions } from "@switchboard/server";
import { startServer, type Fixture } from "../interop/server-fixture.js";
import { closeServer, listen, once, waitFor } from "../support/index.js";
import { rawWebSocket } from "../soak/fault-probes.js";

const LIMIT = 1_000_000;
const PAYLOAD = "x".repeat(10_000);

function startRig(opts: Partial<ServerOptions> = {}): Promise<Fixture> {
  return startServer({ maxWriteBufferSize: LIMIT, pingInterval: 60_000, pingTimeout: 60_000, ...opts });
}

/** A raw WebSocket client that joins "/" and then stops reading its TCP socket. */
async function pausedWebSocket(url: string): Promise<{ ws: WebSocket }> {
  const raw = await rawWebSocket(url, true);
  raw.tcp.pause();
  return raw;
}

/** A raw polling client that joins "/" and then never polls again (the TCP connection stays). */
async function silentPolling(port: number): Promise<{ sid: string }> {
  const get = (path: string) =>
    new Promise<string>((resolve, reject) => {
      httpRequest({ host: "127.0.0.1", port, path, agent: false }, (res) => {
        let body = "";
        res
          .setEncoding("utf8")
          .on("data", (chunk: string) => (body += chunk))
          .on("end", () => resolve(body));
      })
        .on("error", reject)
        .end();
    });
  const open = await get("/socket.io/?EIO=4&transport=polling");
  const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
  await new Promise<void>((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        method: "POST",
        path: `/socket.io/?EIO=4&transport=polling&sid=${sid}`,
        agent: false,
        headers: { "content-type": "text/plain" },
      },
      (res) => {
        res.resume().on("end", () => resolve());
      },
    );
    req.on("error", reject);
    req.end("40");
  });
  return { sid };
}

function engineOf(socket: Socket): EngineSocket {
  return socket.conn as unknown as EngineSocket;
}

/** Broadcasts `count` messages, `perTurn` per event-loop turn, sampling `watch` after each turn. */
async function flood(emit: (i: number) => void, count: number, perTurn: number, watch: () => void): Promise<void> {
  for (let i = 0; i < count;) {
    for (let j = 0; j < perTurn && i < count; j++, i++) emit(i);
    watch();
    await new Promise((resolve) => setImmediate(resolve));
    watch();
  }
}

describe("slow consumers", () => {
  let rig: Fixture;
  afterEach(() => rig.close());

  it("a WebSocket client that stops reading is cut at the bound while a healthy one gets every message", async () => {
    rig = await startRig();
    const sockets: Socket[] = [];
    rig.io.on("connection", (s) => sockets.push(s));
    const healthy = rig.client("/", { transports: ["websocket"] });
    const received: number[] = [];
    healthy.on("tick", (i: number) => received.push(i));
    await once(healthy, "connect");
    const slow = await pausedWebSocket(rig.url);
    await waitFor(() => sockets.length === 2);
    const slowSocket = sockets.find((s) => s.id !== healthy.id)!;
    const reason = once<[string]>(slowSocket, "disconnect", 60_000);
    let peak = 0;
    const total = 3000;
    await flood(
      (i) => rig.io.emit("tick", i, PAYLOAD),
      total,
      10,
      () => {
        if (slowSocket.connected) peak = Math.max(peak, engineOf(slowSocket).bufferedAmount);
      },
    );
    expect((await reason)[0]).toBe("write buffer full");
    // The bound held the whole time (sampled after every write turn), and was actually reached.
    expect(peak).toBeLessThanOrEqual(LIMIT);
    expect(peak).toBeGreaterThan(LIMIT / 2);
    await waitFor(() => received.length === total, 60_000, "every message at the healthy client");
    expect(received).toEqual(Array.from({ length: total }, (_, i) => i));
    slow.ws.terminate();
  }, 90_000);

  it("a polling client that stops polling is cut at the bound", async () => {
    rig = await startRig();
    const sockets: Socket[] = [];
    rig.io.on("connection", (s) => sockets.push(s));
    await silentPolling(rig.port);
    await waitFor(() => sockets.length === 1);
    const [socket] = sockets as [Socket];
    const reason = once<[string]>(socket, "disconnect", 30_000);
    let peak = 0;
    await flood(
      (i) => rig.io.emit("tick", i, PAYLOAD),
      500,
      10,
      () => {
        if (socket.connected) peak = Math.max(peak, engineOf(socket).bufferedAmount);
      },
    );
    expect((await reason)[0]).toBe("write buffer full");
    expect(peak).toBeLessThanOrEqual(LIMIT);
    expect(peak).toBeGreaterThan(LIMIT / 2);
    expect(rig.io.engine.clientsCount).toBe(0);
  }, 60_000);

  it("volatile broadcasts to a client that stops reading are dropped, never queued past the bound", async () => {
    rig = await startRig();
    const sockets: Socket[] = [];
    rig.io.on("connection", (s) => sockets.push(s));
    const slow = await pausedWebSocket(rig.url);
    await waitFor(() => sockets.length === 1);
    const [socket] = sockets as [Socket];
    let peak = 0;
    const watch = () => (peak = Math.max(peak, engineOf(socket).bufferedAmount));
    await flood((i) => rig.io.volatile.emit("tick", i, PAYLOAD), 3000, 10, watch);
    expect(socket.connected).toBe(true);
    expect(peak).toBeLessThanOrEqual(LIMIT);
    // The same flood, not volatile, is more than the bound allows.
    const reason = once<[string]>(socket, "disconnect", 30_000);
    await flood(
      (i) => rig.io.emit("tick", i, PAYLOAD),
      3000,
      10,
      () => socket.connected && watch(),
    );
    expect((await reason)[0]).toBe("write buffer full");
    expect(peak).toBeLessThanOrEqual(LIMIT);
    slow.ws.terminate();
  }, 60_000);
});

/** A bare Engine with a raw WebSocket session whose client reads nothing until `resume()`. */
async function engineSession(opts: EngineOptions) {
  const http = createServer();
  const engine = new Engine({ pingInterval: 60_000, pingTimeout: 60_000, ...opts });
  engine.attach(http);
  const { port } = await listen(http);
  const connection = once<[EngineSocket]>(engine, "connection");
  const ws = new WebSocket(`ws://127.0.0.1:${port}/engine.io/?EIO=4&transport=websocket`);
  ws.on("error", () => {});
  const frames: string[] = [];
  ws.on("message", (data) => frames.push(data.toString()));
  await once(ws, "open");
  const [socket] = await connection;
  await waitFor(() => frames.length === 1, 5000, "the open packet");
  const tcp = (ws as unknown as { _socket: NetSocket })._socket;
  tcp.pause();
  // The first packet of a turn goes straight to an idle WebSocket; the tests send this one first
  // so that every packet they count waits in the engine's queue.
  socket.send("first");
  expect(socket.writeBuffer.length).toBe(0);
  return {
    engine,
    socket,
    frames,
    resume: () => tcp.resume(),
    async close() {
      ws.terminate();
      engine.close();
      await closeServer(http);
    },
  };
}

describe("write buffer policy (engine)", () => {
  const chunk = "v".repeat(10_000);
  const small = "k".repeat(2_000);

  it("drop-volatile: queued volatile packets make room for the others, which all arrive in order", async () => {
    const s = await engineSession({ maxWriteBufferSize: LIMIT });
    try {
      // All in one turn, after "first": everything sits in the engine's queue before the first flush.
      // 99 volatile packets fill the bound to 99%; the kept ones (2 kB each) pass it at the 5th.
      for (let i = 0; i < 99; i++) s.socket.send(`volatile ${i} ${chunk}`, { volatile: true });
      for (let i = 0; i < 10; i++) s.socket.send(`kept ${i} ${small}`);
      expect(s.socket.readyState).toBe("open");
      expect(s.socket.bufferedAmount).toBeLessThan(25_000);
      s.resume();
      await waitFor(() => s.frames.length >= 12, 10_000, "the kept messages");
      expect(s.frames[1]).toBe("4first");
      // Headers only: the frames are kilobytes long.
      const heads = s.frames.slice(2).map((f) => f.split(" ").slice(0, 2).join(" "));
      expect(heads).toEqual(Array.from({ length: 10 }, (_, i) => `4kept ${i}`));
    } finally {
      await s.close();
    }
  });

  it("drop-volatile: a new volatile packet past the bound is dropped and the session stays open", async () => {
    const s = await engineSession({ maxWriteBufferSize: LIMIT });
    try {
      for (let i = 0; i < 99; i++) s.socket.send(`kept ${i} ${chunk}`);
      s.socket.send(`late ${chunk}`, { volatile: true });
      s.socket.send(`late ${chunk}`, { volatile: true });
      expect(s.socket.readyState).toBe("open");
      s.resume();
      await waitFor(() => s.frames.length >= 101, 10_000, "the kept messages");
      expect(s.frames.slice(2).filter((f) => !f.startsWith("4kept")).length).toBe(0);
    } finally {
      await s.close();
    }
  });

  it('"close": the session closes with "write buffer full" as soon as a write passes the bound', async () => {
    const s = await engineSession({ maxWriteBufferSize: LIMIT, writeBufferPolicy: "close" });
    try {
      const closed = once<[string]>(s.socket, "close");
      const callbackErrors: Array<Error | undefined> = [];
      for (let i = 0; i < 99; i++) s.socket.send(`volatile ${i} ${chunk}`, { volatile: true });
      for (let i = 0; i < 10; i++) s.socket.send(`kept ${i} ${small}`, {}, (err) => callbackErrors.push(err));
      expect((await closed)[0]).toBe("write buffer full");
      expect(s.engine.clientsCount).toBe(0);
      // The 4 writes queued before the bound and the one that passed it report the failure through
      // their callback (later writes meet a closing session and are dropped, as in engine.io).
      await waitFor(() => callbackErrors.length === 5);
      expect(callbackErrors.every((err) => err instanceof Error)).toBe(true);
    } finally {
      await s.close();
    }
  });
});
