// Connect/disconnect cycles across transports, namespaces, rooms, pending acks and timeouts leave
// nothing behind: no engine/namespace/adapter entries, no listeners, no timers or sockets, and the
// heap does not grow. `npm run soak` runs the same cycles 10,000+ times and prints the figures.
import { createServer } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { io as ioc } from "socket.io-client";
import { Server, type Socket } from "@switchboard/server";
import { closeServer, listen, once, waitFor } from "../support/index.js";
import {
  BROADCAST_ACK_TIMEOUT,
  countLeftovers,
  countResources,
  installCycleHandlers,
  resourceGrowth,
  runCycles,
  settledHeap,
  type Leftovers,
} from "../soak/leak-cycles.js";

const CYCLES = 600;
const HEAP_GROWTH_LIMIT = 5 * 1024 * 1024;

// Jest runs without --expose-gc: turn it on for this worker and fetch the function.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function isClean(left: Leftovers, baseline: Record<string, number>): boolean {
  return (
    left.engineClients === 0 &&
    left.clientsCount === 0 &&
    left.namespaceSockets === 0 &&
    left.adapterRooms === 0 &&
    left.adapterSids === 0 &&
    left.pendingAcks === 0 &&
    Object.keys(resourceGrowth(baseline, left.resources)).length === 0
  );
}

describe("connect/disconnect cycles", () => {
  it(`${CYCLES} cycles leave no entries, listeners, handles or timers, and the heap does not grow`, async () => {
    const http = createServer();
    const io = new Server(http, { pingInterval: 10_000, pingTimeout: 5_000 });
    const pendingBroadcasts = installCycleHandlers(io);
    const { url } = await listen(http);
    try {
      // Warm-up: lazily created objects (ws server, namespaces, JIT) are not leaks.
      await runCycles(url, 60, 6);
      await waitFor(() => io.engine.clientsCount === 0, 10_000, "warm-up sessions to close");
      await waitFor(() => pendingBroadcasts() === 0, BROADCAST_ACK_TIMEOUT + 10_000, "warm-up broadcast timeouts to run");
      const baseline = countLeftovers(io);
      const heapBefore = await settledHeap(gc);

      await runCycles(url, CYCLES, 8);
      // Closing handshakes finish and the broadcast timeouts run their (short) course.
      await waitFor(() => isClean(countLeftovers(io), baseline.resources), 15_000, "every resource back to baseline").catch(() => {});
      const left = countLeftovers(io);
      const heapAfter = await settledHeap(gc);

      expect({
        engineClients: left.engineClients,
        clientsCount: left.clientsCount,
        namespaceSockets: left.namespaceSockets,
        adapterRooms: left.adapterRooms,
        adapterSids: left.adapterSids,
        pendingAcks: left.pendingAcks,
      }).toEqual({ engineClients: 0, clientsCount: 0, namespaceSockets: 0, adapterRooms: 0, adapterSids: 0, pendingAcks: 0 });
      expect(left.listeners).toEqual(baseline.listeners);
      expect(resourceGrowth(baseline.resources, left.resources)).toEqual({});
      expect(heapAfter - heapBefore).toBeLessThan(HEAP_GROWTH_LIMIT);
    } finally {
      await io.close();
      await closeServer(http);
    }
  }, 120_000);

  it("a timed emit to a socket that leaves fails at once and holds no timer", async () => {
    const http = createServer();
    const io = new Server(http);
    const { url } = await listen(http);
    const client = ioc(url, { transports: ["websocket"], reconnection: false, forceNew: true });
    try {
      const [socket] = await once<[Socket]>(io, "connection");
      const timersBefore = countResources().Timeout ?? 0;
      const failed = new Promise<Error>((resolve) => socket.timeout(60_000).emit("unanswered", (err: Error) => resolve(err)));
      const rejected = socket
        .timeout(60_000)
        .emitWithAck("unanswered")
        .catch((err: Error) => err);
      expect(countResources().Timeout ?? 0).toBeGreaterThan(timersBefore);
      let order = "";
      socket.on("disconnect", () => (order += "disconnect;"));
      void failed.then(() => (order += "ack;"));
      socket.disconnect(true);
      expect((await failed).message).toBe("socket has been disconnected");
      expect((await rejected).message).toBe("socket has been disconnected");
      expect(order).toBe("disconnect;ack;");
      // The two 60 s timers are gone long before they would fire (the closing handshake may hold
      // a short-lived one meanwhile).
      await waitFor(() => (countResources().Timeout ?? 0) <= timersBefore, 5000, "the ack timers to be cleared");
    } finally {
      client.disconnect();
      await io.close();
      await closeServer(http);
    }
  });
});
