// Faults a client can inflict on a server, measured from the server side: half-open connections,
// connections that never join a namespace, floods of abandoned polling handshakes. Shared by the
// jest tests (test/reliability/load-faults.test.ts) and the long run (test/soak/run-soak.mjs).
import { request as httpRequest, Agent } from "node:http";
import type { Socket as NetSocket } from "node:net";
import WebSocket from "ws";
import { io as ioc } from "socket.io-client";
import type { Server, Socket } from "@switchboard/server";

export interface CloseTimes {
  /** Milliseconds from the fault to the server-side close, sorted ascending. */
  times: number[];
  reasons: Record<string, number>;
}

export function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A raw Engine.IO WebSocket; `join` sends the Socket.IO CONNECT for "/" and waits for its answer. */
export async function rawWebSocket(url: string, join: boolean): Promise<{ ws: WebSocket; tcp: NetSocket }> {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`);
  ws.on("error", () => {}); // the server cuts these connections on purpose
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("raw websocket: no handshake")), 15_000);
    ws.on("message", (data) => {
      const text = data.toString();
      if (text.startsWith("0")) {
        if (!join) {
          clearTimeout(timer);
          resolve();
        } else ws.send("40");
      } else if (text.startsWith("40")) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { ws, tcp: (ws as unknown as { _socket: NetSocket })._socket };
}

function tally(reasons: Record<string, number>, reason: string): void {
  reasons[reason] = (reasons[reason] ?? 0) + 1;
}

/**
 * `count` clients join "/", then vanish without closing TCP: they stop reading their socket, so
 * they neither see pings nor answer them. Returns how long the server took to close each.
 */
export async function measureHalfOpen(io: Server, url: string, count: number): Promise<CloseTimes> {
  const sockets: Socket[] = [];
  const onConnection = (socket: Socket) => sockets.push(socket);
  io.on("connection", onConnection);
  const raws = [];
  for (let i = 0; i < count; i++) raws.push(await rawWebSocket(url, true));
  while (sockets.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  io.off("connection", onConnection);
  const reasons: Record<string, number> = {};
  const closed = sockets.map(
    (socket) => new Promise<number>((resolve) => socket.once("disconnect", (reason: string) => (tally(reasons, reason), resolve(performance.now())))),
  );
  const start = performance.now();
  for (const raw of raws) raw.tcp.pause();
  const times = (await Promise.all(closed)).map((t) => t - start).sort((a, b) => a - b);
  for (const raw of raws) raw.ws.terminate();
  return { times, reasons };
}

/** `count` engine connections that never send a Socket.IO CONNECT: how long until the server closes each. */
export async function measureNoNamespace(io: Server, url: string, count: number): Promise<CloseTimes> {
  const reasons: Record<string, number> = {};
  const closed: Array<Promise<number>> = [];
  const onConnection = (conn: { once(event: "close", fn: (reason: string) => void): unknown }) => {
    closed.push(new Promise((resolve) => conn.once("close", (reason: string) => (tally(reasons, reason), resolve(performance.now())))));
  };
  io.engine.on("connection", onConnection);
  const start = performance.now();
  const raws = [];
  for (let i = 0; i < count; i++) raws.push(await rawWebSocket(url, false));
  io.engine.off("connection", onConnection);
  const times = (await Promise.all(closed)).map((t) => t - start).sort((a, b) => a - b);
  for (const raw of raws) raw.ws.terminate();
  return { times, reasons };
}

export interface AbandonedRun {
  handshakes: number;
  /** Peak of open engine sessions during the flood. */
  peakSessions: number;
  /** Ack round trips of the live client during the flood, all answered. */
  acks: number;
  ackLatencies: number[];
  /** Milliseconds from the last handshake until every abandoned session was closed. */
  reapedAfter: number;
}

function handshake(url: string, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/socket.io/?EIO=4&transport=polling`, { agent }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`handshake: HTTP ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * `count` polling handshakes (`concurrency` at a time) that never come back, while a live client
 * keeps asking for acks (the server's "echo" handler must answer them). Waits until every
 * abandoned session is reaped (within `reapTimeoutMs`).
 */
export async function abandonedHandshakes(io: Server, url: string, count: number, concurrency: number, reapTimeoutMs: number): Promise<AbandonedRun> {
  const live = ioc(url, { transports: ["websocket"], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    live.once("connect", resolve);
    live.once("connect_error", reject);
  });
  let stop = false;
  const ackLatencies: number[] = [];
  const acking = (async () => {
    for (let i = 0; !stop; i++) {
      const sent = performance.now();
      const answer = await live.timeout(10_000).emitWithAck("echo", i);
      if (answer !== i) throw new Error(`ack ${i} answered ${String(answer)}`);
      ackLatencies.push(performance.now() - sent);
    }
  })();
  // Rethrown when awaited below; handled here so a failure mid-flood is not an unhandled rejection.
  acking.catch(() => {});
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let peakSessions = 0;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      await handshake(url, agent);
      peakSessions = Math.max(peakSessions, io.engine.clientsCount);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
    const floodEnd = performance.now();
    const deadline = floodEnd + reapTimeoutMs;
    // Only the live client may remain.
    while (io.engine.clientsCount > 1) {
      if (performance.now() > deadline) throw new Error(`${io.engine.clientsCount - 1} abandoned sessions still open after ${reapTimeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const reapedAfter = performance.now() - floodEnd;
    stop = true;
    await acking;
    return { handshakes: count, peakSessions, acks: ackLatencies.length, ackLatencies: ackLatencies.sort((a, b) => a - b), reapedAfter };
  } finally {
    stop = true;
    await acking.catch(() => {});
    agent.destroy();
    live.disconnect();
  }
}
