// The benchmark scenarios. Each one starts a fresh server process and a fresh load generator,
// runs once, stops both, and returns its figures.
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { spawnChild } from "./lib/child.mjs";

const SERVER = fileURLToPath(new URL("./server.mjs", import.meta.url));
const LOADGEN = fileURLToPath(new URL("./loadgen.mjs", import.meta.url));
const BODY = "the quick brown fox jumps over the lazy dog";

// BENCH_SERVER_ARGS adds node flags to the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
const extraArgs = () => (process.env.BENCH_SERVER_ARGS ? process.env.BENCH_SERVER_ARGS.split(" ").filter(Boolean) : []);

async function withProcesses(kind, fn) {
  const extra = extraArgs();
  const server = spawnChild(SERVER, [kind], { core: 0, nodeArgs: ["--expose-gc", ...extra] });
  const loadgen = spawnChild(LOADGEN, [], { core: 1, nodeArgs: ["--max-old-space-size=2048"] });
  try {
    const { port } = await server.next("listening", 20000);
    return await fn(server, loadgen, port);
  } finally {
    await Promise.all([server.stop(extra.length > 0), loadgen.stop()]);
  }
}

async function connect(loadgen, port, n, opts = {}) {
  const r = await loadgen.request(
    "connect",
    { port, n, concurrency: opts.concurrency ?? 100, transport: opts.transport, localAddress: opts.localAddress },
    300000,
  );
  if (r.failed > 0) throw new Error(`${r.failed} of ${n} connections failed`);
  return r;
}

/** (a) One emit to every client, `count` times: all in one turn (burst) or one per turn (paced). */
export function broadcast(kind, { clients, count, mode }) {
  return withProcesses(kind, async (server, loadgen, port) => {
    await connect(loadgen, port, clients);
    await sleep(300);
    const total = clients * count;
    const round = async () => {
      const delivered = loadgen.next("delivered", 180000);
      await loadgen.request("expect", { total, timeoutMs: 120000 });
      const { t0 } = await server.request("broadcast", { count, mode, body: BODY });
      const d = await delivered;
      const { cpuUs } = await server.request("cpu-stop");
      if (d.received !== total) throw new Error(`only ${d.received} of ${total} messages delivered`);
      return { t0, d, cpuUs };
    };
    // One unmeasured round first: a burst is a single event-loop turn, and measured on its own it
    // would mostly time V8 compiling the write path, which differs with whatever ran before it.
    await round();
    const { t0, d, cpuUs } = await round();
    return {
      msgsPerSec: (total / (d.tEnd - t0)) * 1000,
      cpuUsPerMsg: cpuUs / total,
      clientCpuPct: (d.clientCpuUs / 1000 / d.clientWallMs) * 100,
    };
  });
}

/** (b) Closed loop echo with ack, `concurrency` requests in flight (one per client). */
export function echo(kind, { concurrency, durationMs }) {
  return withProcesses(kind, async (server, loadgen, port) => {
    await connect(loadgen, port, concurrency);
    await sleep(300);
    await server.request("cpu-start");
    const r = await loadgen.request("echo", { concurrency, durationMs, body: BODY });
    const { cpuUs } = await server.request("cpu-stop");
    return {
      reqPerSec: r.reqPerSec,
      p50Us: r.p50Us,
      p99Us: r.p99Us,
      cpuUsPerReq: cpuUs / r.requests,
      clientCpuPct: (r.clientCpuUs / 1000 / r.clientWallMs) * 100,
    };
  });
}

/** (c) Heap and RSS per idle WebSocket connection, after GC, at `clients` connections. */
export function idleMemory(kind, { clients }) {
  return withProcesses(kind, async (server, loadgen, port) => {
    // One connection first, so lazily loaded code and first-use caches are not counted.
    await connect(loadgen, port, 1);
    await sleep(200);
    const before = await server.request("mem");
    await connect(loadgen, port, clients - 1, { concurrency: 200 });
    await sleep(500);
    const { count } = await server.request("count");
    if (count < clients) throw new Error(`server sees ${count} of ${clients} sockets`);
    const after = await server.request("mem");
    const n = clients - 1;
    return {
      heapKBPerConn: (after.heapUsed - before.heapUsed) / 1024 / n,
      rssKBPerConn: (after.rss - before.rss) / 1024 / n,
    };
  });
}

/**
 * (c') Many idle WebSocket connections: heap and RSS per connection after `gc()`, then the server's
 * CPU per second of wall time while every client sits idle and only the heartbeat runs (a ping
 * every `pingInterval`). One process may hold at most 20,000 open files here, so the clients come
 * from `processes` load generators, each from its own source address (127.0.0.2, 127.0.0.3, ...).
 */
export async function idleMany(kind, { clients, processes, pingInterval, windowMs }) {
  const extra = extraArgs();
  const server = spawnChild(SERVER, [kind, JSON.stringify({ pingInterval })], { core: 0, nodeArgs: ["--expose-gc", ...extra] });
  const loadgens = Array.from({ length: processes }, () => spawnChild(LOADGEN, [], { core: 1, nodeArgs: ["--max-old-space-size=2048"] }));
  try {
    const { port } = await server.next("listening", 20000);
    await connect(loadgens[0], port, 1, { localAddress: "127.0.0.2" });
    await sleep(200);
    const before = await server.request("mem");
    const share = (i) => Math.floor((clients - 1) / processes) + (i < (clients - 1) % processes ? 1 : 0);
    await Promise.all(loadgens.map((lg, i) => connect(lg, port, share(i), { concurrency: Math.ceil(200 / processes), localAddress: `127.0.0.${i + 2}` })));
    await sleep(500);
    const { count } = await server.request("count");
    if (count < clients) throw new Error(`server sees ${count} of ${clients} sockets`);
    const after = await server.request("mem");
    const n = clients - 1;
    // The idle window starts one interval after the last connection, so every session pings in it.
    await sleep(pingInterval);
    await server.request("cpu-start");
    await sleep(windowMs);
    const { cpuUs, wallMs } = await server.request("cpu-stop");
    const { count: still } = await server.request("count");
    if (still < clients) throw new Error(`${clients - still} sockets lost while idle`);
    return {
      heapKBPerConn: (after.heapUsed - before.heapUsed) / 1024 / n,
      rssKBPerConn: (after.rss - before.rss) / 1024 / n,
      idleCpuMsPerSec: cpuUs / wallMs,
    };
  } finally {
    await Promise.all([server.stop(extra.length > 0), ...loadgens.map((lg) => lg.stop())]);
  }
}

/** (d) New connections per second, counted at the Socket.IO CONNECT ack. */
export function connectRate(kind, { clients, concurrency }) {
  return withProcesses(kind, async (server, loadgen, port) => {
    await connect(loadgen, port, 20);
    await server.request("cpu-start");
    const r = await connect(loadgen, port, clients, { concurrency });
    const { cpuUs } = await server.request("cpu-stop");
    return { connPerSec: r.rate, cpuUsPerConn: cpuUs / clients, clientCpuPct: (r.clientCpuUs / 1000 / r.ms) * 100 };
  });
}

/** (e) Long-polling clients (gzip accepted) receiving broadcasts at a fixed rate. */
export function polling(kind, { clients, perSec, durationMs }) {
  return withProcesses(kind, async (server, loadgen, port) => {
    await connect(loadgen, port, clients, { transport: "polling", concurrency: 20 });
    await sleep(300);
    const measuring = loadgen.request("poll-measure", { durationMs: durationMs + 500 });
    const { sent } = await server.request("rate", { perSec, durationMs, body: BODY.repeat(4) }, durationMs + 30000);
    const r = await measuring;
    const { cpuUs } = await server.request("cpu-stop");
    if (r.received < sent * clients * 0.99) throw new Error(`polling delivered ${r.received} of ${sent * clients}`);
    return {
      cpuUsPerMsg: cpuUs / r.received,
      p50Ms: r.p50Ms,
      p99Ms: r.p99Ms,
      clientCpuPct: (r.clientCpuUs / 1000 / r.clientWallMs) * 100,
    };
  });
}
