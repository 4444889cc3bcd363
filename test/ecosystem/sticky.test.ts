import type { Socket as ClientSocket } from "socket.io-client";
import { waitFor } from "../support/index.js";
import { connected } from "../e2e/auth/harness.js";
import { Clients } from "../support/index.js";
import { clusterForFile } from "./node-cluster.js";

// @socket.io/sticky 2.0 in front of two worker processes running our Server (Node's cluster
// module), @socket.io/cluster-adapter between them: the primary routes every request on the
// 20-character session id our engine hands out, so each one reaches the worker that owns it.
const clients = new Clients();
const cluster = clusterForFile(2, "sticky", clients);

interface WhoAmI {
  worker: number;
  pid: number;
  sid: string;
  transport: string;
}

function whoami(socket: ClientSocket): Promise<WhoAmI> {
  return socket.timeout(5000).emitWithAck("whoami");
}

/**
 * Opens `count` clients one after the other (the primary deals handshakes round-robin); `created`
 * sees each one before it connects.
 */
async function openClients(count: number, transports: Array<"polling" | "websocket">, created?: (socket: ClientSocket) => void): Promise<ClientSocket[]> {
  const sockets: ClientSocket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = clients.open(cluster().url, { transports });
    created?.(socket);
    sockets.push(await connected(socket));
  }
  return sockets;
}

/** Resolves once the client's engine switched to WebSocket; rejects on `upgradeError` or a close before that. */
function upgraded(socket: ClientSocket): Promise<void> {
  const engine = socket.io.engine;
  return new Promise((resolve, reject) => {
    if (engine.transport?.name === "websocket") return resolve();
    engine.once("upgrade", () => resolve());
    engine.once("upgradeError", (err) => reject(new Error(`upgrade of session ${engine.id} failed: ${err.message}`)));
    engine.once("close", (reason) => reject(new Error(`session ${engine.id} closed before its upgrade: ${reason}`)));
  });
}

describe("@socket.io/sticky with @switchboard/server workers", () => {
  it("keeps long-polling sessions on the worker that owns them", async () => {
    const sockets = await openClients(4, ["polling"]);
    const owners = new Map<ClientSocket, number>();
    // Each round trip is a new GET and a new POST through the primary.
    for (let round = 0; round < 3; round++) {
      for (const socket of sockets) {
        const me = await whoami(socket);
        expect(me.sid).toMatch(/^[\w-]{20}$/);
        expect(me).toMatchObject({ sid: socket.io.engine.id, transport: "polling" });
        if (!owners.has(socket)) owners.set(socket, me.worker);
        expect(me.worker).toBe(owners.get(socket));
      }
    }
    expect(new Set(owners.values()).size).toBe(2);
    expect(sockets.every((s) => s.connected)).toBe(true);
  }, 20_000);

  it("carries polling bodies that span many chunks (the primary forwards them over IPC)", async () => {
    const [socket] = await openClients(1, ["polling"]);
    const big = "x".repeat(300_000);
    expect(await socket.timeout(5000).emitWithAck("echo", big)).toBe(big);
    const bytes = Buffer.alloc(200_000, 7);
    const echoed = (await socket.timeout(5000).emitWithAck("echo", bytes)) as ArrayBuffer;
    expect(Buffer.from(echoed).equals(bytes)).toBe(true);
  });

  it("upgrades to WebSocket on the same worker", async () => {
    // Each client's upgrade is watched from its creation: a failed probe is never retried, so an
    // `upgradeError` fails the test with its reason instead of leaving the client on polling.
    const upgrades: Array<Promise<void>> = [];
    const sockets = await openClients(4, ["polling", "websocket"], (socket) => {
      const upgrade = upgraded(socket);
      upgrade.catch(() => {}); // read by Promise.all below, once every client connected
      upgrades.push(upgrade);
    });
    await Promise.all(upgrades);
    const workers = new Set<number>();
    for (const socket of sockets) {
      const me = await whoami(socket);
      expect(me).toMatchObject({ sid: socket.io.engine.id, transport: "websocket" });
      workers.add(me.worker);
    }
    expect(workers.size).toBe(2);
  }, 20_000);

  it("broadcasts from one worker reach the clients of every worker (cluster adapter)", async () => {
    const sockets = [...(await openClients(2, ["polling"])), ...(await openClients(2, ["polling", "websocket"]))];
    const got = sockets.map(() => [] as unknown[]);
    sockets.forEach((s, i) => s.on("news", (...args: unknown[]) => got[i].push(args)));
    const sender = await whoami(sockets[0]);
    const broadcast = (args: unknown[]) => sockets[0].timeout(5000).emitWithAck("broadcast", { event: "news", args });
    expect(await broadcast(["from", sender.worker])).toBe(sender.worker);
    // The same path again: a duplicate of the first would arrive before it.
    await broadcast(["end"]);
    await waitFor(() => got.every((g) => g.length === 2), 5000, "both broadcasts on every client");
    expect(got).toEqual(sockets.map(() => [["from", sender.worker], ["end"]]));
    // The clients were spread over both workers.
    expect(new Set(await Promise.all(sockets.map(async (s) => (await whoami(s)).worker))).size).toBe(2);
  }, 20_000);
});
