// Figures of the long run for slow consumers and shutdown (test/soak/run-soak.mjs); the bounded
// versions with their assertions are test/reliability/slow-consumer.test.ts and shutdown-flush.test.ts.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type WebSocket from "ws";
import { io as ioc, type Socket as ClientSocket } from "socket.io-client";
import type { Server, ServerOptions, Socket, EngineSocket } from "@switchboard/server";
import { rawWebSocket } from "./fault-probes.js";

export type ServerClass = new (srv: ReturnType<typeof createServer>, opts?: Partial<ServerOptions>) => Server;

/** A `Server` of `ServerCtor` (sources or built package) on loopback port 0, closed with its connections. */
export async function startServer(ServerCtor: ServerClass, opts: Partial<ServerOptions>) {
  const http = createServer();
  const io = new ServerCtor(http, opts);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    io,
    url,
    async close() {
      await io.close();
      http.closeAllConnections();
      if (http.listening) await new Promise((resolve) => http.close(resolve));
    },
  };
}

function connect(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
}

export interface SlowConsumerRun {
  limit: number;
  messages: number;
  bytesEmitted: number;
  /** Highest `bufferedAmount` of the paused clients' sessions, sampled after every write turn. */
  peakBuffered: number;
  /** Paused clients and the server-side reasons they left with. */
  slowReasons: Record<string, number>;
  /** Messages each healthy client received (all of them must). */
  healthyReceived: number[];
}

/**
 * `slow` raw WebSocket clients join and stop reading; `healthy` official clients read; the server
 * broadcasts `messages` messages of `size` characters, `perTurn` per event-loop turn.
 */
export async function measureSlowConsumers(
  ServerCtor: ServerClass,
  opts: { limit: number; slow: number; healthy: number; messages: number; size: number; perTurn: number },
): Promise<SlowConsumerRun> {
  const s = await startServer(ServerCtor, { maxWriteBufferSize: opts.limit, pingInterval: 60_000, pingTimeout: 60_000 });
  const serverSockets: Socket[] = [];
  s.io.on("connection", (socket: Socket) => serverSockets.push(socket));
  const healthy: ClientSocket[] = [];
  const received: number[] = [];
  const raws: WebSocket[] = [];
  try {
    for (let i = 0; i < opts.healthy; i++) {
      const client = ioc(s.url, { transports: ["websocket"], reconnection: false, forceNew: true });
      const index = received.push(0) - 1;
      client.on("tick", () => received[index]++);
      healthy.push(client);
      await connect(client);
    }
    const healthyIds = new Set(healthy.map((c) => c.id));
    for (let i = 0; i < opts.slow; i++) {
      const raw = await rawWebSocket(s.url, true);
      raws.push(raw.ws);
      raw.tcp.pause();
    }
    while (serverSockets.length < opts.healthy + opts.slow) await new Promise((resolve) => setTimeout(resolve, 5));
    const slowSockets = serverSockets.filter((socket) => !healthyIds.has(socket.id));
    const slowReasons: Record<string, number> = {};
    const slowGone = slowSockets.map(
      (socket) =>
        new Promise<void>((resolve) => socket.once("disconnect", (reason: string) => ((slowReasons[reason] = (slowReasons[reason] ?? 0) + 1), resolve()))),
    );
    const payload = "x".repeat(opts.size);
    let peakBuffered = 0;
    const sample = () => {
      for (const socket of slowSockets) {
        if (socket.connected) peakBuffered = Math.max(peakBuffered, (socket.conn as unknown as EngineSocket).bufferedAmount);
      }
    };
    for (let i = 0; i < opts.messages;) {
      for (let j = 0; j < opts.perTurn && i < opts.messages; j++, i++) s.io.emit("tick", i, payload);
      sample();
      await new Promise((resolve) => setImmediate(resolve));
      sample();
    }
    await Promise.race([Promise.all(slowGone), new Promise((resolve) => setTimeout(resolve, 30_000))]);
    const deadline = Date.now() + 60_000;
    while (received.some((n) => n < opts.messages) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return {
      limit: opts.limit,
      messages: opts.messages,
      bytesEmitted: opts.messages * opts.size,
      peakBuffered,
      slowReasons,
      healthyReceived: received,
    };
  } finally {
    for (const ws of raws) ws.terminate();
    for (const client of healthy) client.disconnect();
    await s.close();
  }
}

export interface ShutdownRun {
  clients: number;
  emitted: number;
  delivered: number;
  closeMs: number;
}

/**
 * `clients` official clients (half WebSocket, half polling) each get `perClient` messages emitted
 * in the same turn as `io.close()`; counts what arrived before their transport closed.
 */
export async function measureShutdown(ServerCtor: ServerClass, clients: number, perClient: number): Promise<ShutdownRun> {
  const s = await startServer(ServerCtor, {});
  const serverSockets: Socket[] = [];
  s.io.on("connection", (socket: Socket) => serverSockets.push(socket));
  const sockets: ClientSocket[] = [];
  let delivered = 0;
  try {
    for (let i = 0; i < clients; i++) {
      const client = ioc(s.url, { transports: [i % 2 === 0 ? "websocket" : "polling"], reconnection: false, forceNew: true });
      client.on("msg", () => delivered++);
      sockets.push(client);
    }
    await Promise.all(sockets.map(connect));
    while (serverSockets.length < clients) await new Promise((resolve) => setTimeout(resolve, 5));
    const gone = sockets.map((client) => new Promise((resolve) => client.once("disconnect", resolve)));
    const payload = "m".repeat(200);
    for (const socket of serverSockets) for (let j = 0; j < perClient; j++) socket.emit("msg", j, payload);
    const started = performance.now();
    await s.io.close();
    const closeMs = performance.now() - started;
    await Promise.race([Promise.all(gone), new Promise((resolve) => setTimeout(resolve, 10_000))]);
    return { clients, emitted: clients * perClient, delivered, closeMs };
  } finally {
    for (const client of sockets) client.disconnect();
    await s.close();
  }
}
