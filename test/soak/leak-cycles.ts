// Connect/disconnect cycles that leave as much behind as a client can make a server hold (rooms,
// namespaces, pending acks, pending timeouts, each transport, every way of leaving), and a count
// of what is left afterwards. Shared by the bounded jest test (test/reliability/leak-cycles.test.ts)
// and the long run (test/soak/run-soak.mjs, against the built packages).
import { io as ioc, type Socket as ClientSocket } from "socket.io-client";
import type { Server, Socket } from "@switchboard/server";

export type CycleMode = "polling" | "websocket" | "upgrade";
export const MODES: readonly CycleMode[] = ["polling", "websocket", "upgrade"];
export const NAMESPACES = ["/", "/chat"] as const;
/** Timeouts of emits to one socket: long, so only a cleanup on disconnect removes their timers. */
export const SOCKET_ACK_TIMEOUT = 60_000;
/** Timeouts of room broadcasts with acks: they run their course (a broadcast may have other recipients). */
export const BROADCAST_ACK_TIMEOUT = 1_000;

/**
 * Server side of the cycles: every socket gets acks and timeouts that no one will ever answer.
 * Returns how many room broadcasts are still waiting for their acks (their timers still running).
 */
export function installCycleHandlers(io: Server): () => number {
  let pendingBroadcasts = 0;
  for (const name of NAMESPACES) {
    io.of(name).on("connection", (socket: Socket) => {
      // The client has no listener for these: the acks stay pending until the socket leaves.
      socket.emit("unanswered", 1, () => {});
      socket.timeout(SOCKET_ACK_TIMEOUT).emit("unanswered", 2, () => {});
      socket.on("join", (room: string, ack: (room: string) => void) => {
        void socket.join(room);
        pendingBroadcasts++;
        io.of(name)
          .to(room)
          .timeout(BROADCAST_ACK_TIMEOUT)
          .emit("unanswered", 3, () => {
            pendingBroadcasts--;
          });
        ack(room);
      });
      socket.on("kick", (closeConnection: boolean) => socket.disconnect(closeConnection));
    });
  }
  return () => pendingBroadcasts;
}

function transportsOf(mode: CycleMode) {
  if (mode === "polling") return { transports: ["polling"] };
  if (mode === "websocket") return { transports: ["websocket"] };
  return { transports: ["polling", "websocket"], upgrade: true };
}

function waitEvent(socket: ClientSocket, event: string, timeoutMs: number, what: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`cycle: no ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args);
    };
    socket.once(event, listener);
  });
}

/** One cycle: connect (mode and namespace from `i`), join a room, then leave one of four ways. */
export async function runCycle(url: string, i: number): Promise<void> {
  const mode = MODES[i % MODES.length];
  const nsp = NAMESPACES[Math.floor(i / MODES.length) % NAMESPACES.length];
  const client = ioc(url + nsp, { forceNew: true, reconnection: false, timeout: 10_000, ...transportsOf(mode) });
  try {
    await waitEvent(client, "connect", 15_000, "connect");
    if (mode === "upgrade" && i % 2 === 0) {
      const engine = client.io.engine;
      if (engine.transport.name !== "websocket") {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error("cycle: no upgrade")), 15_000);
          engine.once("upgrade", () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    }
    await client.timeout(15_000).emitWithAck("join", `room-${i % 64}`);
    const disconnected = waitEvent(client, "disconnect", 15_000, "disconnect");
    switch (i % 4) {
      case 0:
        client.disconnect(); // client namespace disconnect
        break;
      case 1:
        client.emit("kick", true); // server namespace disconnect, connection closed
        break;
      case 2:
        client.io.engine.close(); // transport close
        break;
      default:
        client.emit("kick", false); // server namespace disconnect, the connection stays until the client closes it
    }
    await disconnected;
  } finally {
    client.disconnect();
    client.io.engine?.close();
  }
}

/** Runs `cycles` cycles, `concurrency` at a time; `onProgress` hears every 1,000 completed. */
export async function runCycles(url: string, cycles: number, concurrency: number, onProgress?: (done: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < cycles) {
      const i = next++;
      await runCycle(url, i);
      done++;
      if (onProgress && done % 1000 === 0) onProgress(done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** What the server (and the process) still holds: entries, listeners, handles and timers. */
export interface Leftovers {
  engineClients: number;
  clientsCount: number;
  namespaceSockets: number;
  adapterRooms: number;
  adapterSids: number;
  pendingAcks: number;
  /** Listeners on the engine, the http server and every namespace, by object. */
  listeners: Record<string, number>;
  /** `process.getActiveResourcesInfo()` grouped by kind (timers, sockets, ...). */
  resources: Record<string, number>;
}

function listenerTotal(emitter: { eventNames(): Array<string | symbol>; listenerCount(event: string | symbol): number }): number {
  let total = 0;
  for (const name of emitter.eventNames()) total += emitter.listenerCount(name);
  return total;
}

export function countResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

export function countLeftovers(io: Server): Leftovers {
  let namespaceSockets = 0;
  let adapterRooms = 0;
  let adapterSids = 0;
  let pendingAcks = 0;
  const listeners: Record<string, number> = { engine: listenerTotal(io.engine) };
  if (io.httpServer) listeners.httpServer = listenerTotal(io.httpServer);
  for (const [name, nsp] of io._nsps) {
    namespaceSockets += nsp.sockets.size;
    const adapter = nsp.adapter as unknown as { rooms?: Map<unknown, unknown>; sids?: Map<unknown, unknown> };
    adapterRooms += adapter.rooms?.size ?? 0;
    adapterSids += adapter.sids?.size ?? 0;
    for (const socket of nsp.sockets.values()) pendingAcks += socket.acks.size;
    listeners[`namespace ${name}`] = listenerTotal(nsp);
  }
  return {
    engineClients: Object.keys(io.engine.clients).length,
    clientsCount: io.engine.clientsCount,
    namespaceSockets,
    adapterRooms,
    adapterSids,
    pendingAcks,
    listeners,
    resources: countResources(),
  };
}

/** Kinds whose count grew from `before` to `after` (an empty object: nothing left behind). */
export function resourceGrowth(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const growth: Record<string, number> = {};
  for (const [kind, count] of Object.entries(after)) {
    const diff = count - (before[kind] ?? 0);
    if (diff > 0) growth[kind] = diff;
  }
  return growth;
}

/** Heap used after full collections (`gc` from `--expose-gc`, or from `v8.setFlagsFromString`). */
export async function settledHeap(gc: () => void): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}
