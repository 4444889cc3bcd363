// The benchmark scenarios. Each one starts a fresh server process and a fresh load generator,
// runs once, stops both, and returns its figures.
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { spawnChild } from "./lib/child.mjs";

const SERVER = fileURLToPath(new URL("./server.mjs", import.meta.url));
const LOADGEN = fileURLToPath(new URL("./loadgen.mjs", import.meta.url));
const BODY = "the quick brown fox jumps over the lazy dog";

async function withProcesses(kind, fn) {
  // BENCH_SERVER_ARGS adds node flags to the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const extra = process.env.BENCH_SERVER_ARGS ? process.env.BENCH_SERVER_ARGS.split(" ").filter(Boolean) : [];
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
  const r = await loadgen.request("connect", { port, n, concurrency: opts.concurrency ?? 100, transport: opts.transport }, 300000);
  if (r.failed > 0) throw new Error(`${r.failed} of ${n} connections failed`);
  return r;
}

/** (a) One emit to every client, `count` times: all in one turn (burst) or one per turn (paced). */
export function broadcast(kind, { clients, count, mode }) {
  return withProcesses(kind, async (server, loadgen, port) => {
    await connect(loadgen, port, clients);
    await sleep(300);
    const total = clients * count;
    const delivered = loadgen.next("delivered", 180000);
    await loadgen.request("expect", { total, timeoutMs: 120000 });
    const { t0 } = await server.request("broadcast", { count, mode, body: BODY });
    const d = await delivered;
    const { cpuUs } = await server.request("cpu-stop");
    if (d.received !== total) throw new Error(`only ${d.received} of ${total} messages delivered`);
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
