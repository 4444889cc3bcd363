// One server node of the cluster benchmark, in its own process:
// `node bench/cluster/node.mjs <stack> <redis url> <name> <options JSON>`. Every stack runs with
// connection state recovery and the same heartbeat and request settings; it reports its port over
// IPC, then obeys the orchestrator (sequenced broadcast, cluster requests).
import { createServer } from "node:http";
import { createClient } from "redis";
import { answerParent } from "../lib/answer-parent.mjs";

const [stack, redisUrl, name, optionsJson] = process.argv.slice(2);
const { heartbeatInterval, heartbeatTimeout, requestsTimeout, maxDisconnectionDuration, maxLen } = JSON.parse(optionsJson);
// A stream length when asked (the rolling run publishes more than the default keeps), else the adapters' default.
const streamOptions = maxLen === undefined ? {} : { maxLen };

// Errors that escape a stack are counted and reported, not fatal: the figures say how it fared.
const escaped = [];
for (const kind of ["uncaughtException", "unhandledRejection"]) {
  process.on(kind, (err) => {
    escaped.push(`${kind}: ${err?.message ?? err}`);
    if (escaped.length <= 3) console.error(`[node ${name} ${stack}] ${kind}:`, err?.message ?? err);
  });
}

/** A node-redis client that reconnects fast, with the error listener node-redis needs. */
async function redisClient() {
  const client = createClient({ url: redisUrl, socket: { reconnectStrategy: () => 50 } });
  client.on("error", () => {});
  await client.connect();
  return client;
}

const clients = [await redisClient()];
const httpServer = createServer();
const serverOptions = { serveClient: false, connectionStateRecovery: { maxDisconnectionDuration, skipMiddlewares: true } };
let io;
if (stack === "switchboard") {
  const { Server } = await import("../../core/server/dist/index.js");
  const { createAdapter } = await import("../../adapters/redis-streams/dist/index.js");
  io = new Server(httpServer, serverOptions);
  io.adapter(createAdapter(clients[0], { heartbeatInterval, heartbeatTimeout, requestsTimeout, ...streamOptions }));
} else if (stack === "socketio-streams") {
  const { Server } = await import("socket.io");
  const { createAdapter } = await import("@socket.io/redis-streams-adapter");
  io = new Server(httpServer, serverOptions);
  io.adapter(createAdapter(clients[0], { heartbeatInterval, heartbeatTimeout, ...streamOptions }));
} else if (stack === "socketio-pubsub") {
  const { Server } = await import("socket.io");
  const { createAdapter } = await import("@socket.io/redis-adapter");
  clients.push(await redisClient());
  io = new Server(httpServer, serverOptions);
  io.adapter(createAdapter(clients[0], clients[1], { requestsTimeout }));
} else {
  throw new Error(`unknown stack ${stack}`);
}
io.of("/").adapter.on?.("error", () => {});

// Sessions a client asked for and did not get back (the adapter found none, or refused): counted,
// the first few kept, so a loss in the figures can be traced.
const refusedRestores = [];
{
  const adapter = io.of("/").adapter;
  const restore = adapter.restoreSession.bind(adapter);
  adapter.restoreSession = async (pid, offset) => {
    const at = Date.now();
    let session;
    try {
      session = await restore(pid, offset);
    } catch (err) {
      refusedRestores.push({ pid, offset, ms: Date.now() - at, error: String(err?.message ?? err) });
      throw err;
    }
    if (!session) refusedRestores.push({ pid, offset, ms: Date.now() - at });
    return session;
  };
}

/** The "up" numbers of the rolling scenario, by client key (kept in the session's data). */
const ups = {};
io.on("connection", (socket) => {
  if (!socket.recovered) {
    socket.join("seq");
    socket.data = { key: socket.handshake.auth?.key };
  }
  socket.on("up", (n) => (ups[socket.data.key] ??= []).push(n));
});
io.on("ping-node", (from, cb) => cb(`${name} <- ${from}`));

let seq;
const now = () => performance.timeOrigin + performance.now();

/** Runs a cluster request; says how it ended and how long it took instead of throwing. */
async function timed(fn) {
  const t0 = now();
  try {
    const result = await fn();
    return { ok: true, ms: now() - t0, size: Array.isArray(result) ? result.length : undefined };
  } catch (err) {
    return { ok: false, ms: now() - t0, error: String(err?.message ?? err), code: err?.code };
  }
}

const handlers = {
  startSeq({ everyMs, from = 0 }) {
    seq = { next: from, timer: setInterval(() => io.to("seq").emit("seq", seq.next++), everyMs) };
    return true;
  },
  /** Stops the broadcast without its fence (another node goes on from the number returned). */
  pauseSeq() {
    clearInterval(seq.timer);
    return seq.next;
  },
  ups: () => ups,
  /** Leaves the cluster on purpose: Switchboard hands its clients over, socket.io closes; then exits. */
  async leave({ window }) {
    if (seq) clearInterval(seq.timer);
    if (stack === "switchboard") await io.close({ handover: { window } });
    else await io.close();
    await Promise.allSettled(clients.map((c) => c.quit()));
    setTimeout(() => process.exit(0), 100);
    return { ups, escaped };
  },
  seqNext: () => seq?.next ?? 0,
  stopSeq() {
    clearInterval(seq.timer);
    // After the last number, through the same path: once a client has it, it has everything.
    io.to("seq").emit("fence", seq.next);
    return seq.next;
  },
  fetchSockets: () => timed(() => io.fetchSockets()),
  serverSideEmitWithAck: () => timed(() => io.serverSideEmitWithAck("ping-node", name)),
  serverCount: () => io.of("/").adapter.serverCount(),
  escaped: () => escaped,
  refusedRestores: () => refusedRestores,
};

answerParent(handlers);
process.on("disconnect", () => process.exit(0));
httpServer.listen(0, "127.0.0.1", () => process.send({ type: "listening", port: httpServer.address().port }));
