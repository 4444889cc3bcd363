// One run of the scale benchmark: a fresh redis-server, a cluster primary with its workers behind
// the stack's sticky router, load generators opening `clients` WebSockets from 127.0.0.2,
// 127.0.0.3, ..., then the memory the workers hold per connection and `broadcasts` stamped
// broadcasts from the first worker, each timed to every client.
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { spawnChild } from "../lib/child.mjs";
import { startRedis } from "../cluster/redis.mjs";

const PRIMARY = fileURLToPath(new URL("./primary.mjs", import.meta.url));
const CLIENTS = fileURLToPath(new URL("./clients.mjs", import.meta.url));

async function call(proc, cmd, body, timeoutMs) {
  return (await proc.request(cmd, body, timeoutMs)).result;
}

const quantile = (sorted, q) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
const sum = (list, f) => list.reduce((a, x) => a + f(x), 0);

/** `o`: { clients, workers, generators, inFlight, broadcasts, connectTimeoutMs }. */
export async function runScale(stack, o, log = () => {}) {
  const redis = await startRedis();
  let primary;
  const gens = [];
  try {
    primary = spawnChild(PRIMARY, [stack, redis.url, String(o.workers)], {});
    const { port } = await primary.next("listening", 60000);
    const baseline = await call(primary, "baseline");
    for (let g = 0; g < o.generators; g++) gens.push(spawnChild(CLIENTS, [], {}));
    const share = Math.ceil(o.clients / o.generators);
    const t0 = performance.now();
    const connects = await Promise.all(
      gens.map((g, i) =>
        call(
          g,
          "connect",
          { port, count: Math.min(share, o.clients - i * share), localAddress: `127.0.0.${2 + i}`, inFlight: o.inFlight, timeoutMs: o.connectTimeoutMs },
          o.connectTimeoutMs + 60000,
        ),
      ),
    );
    const connectMs = performance.now() - t0;
    const connected = sum(connects, (c) => c.connected);
    const failed = sum(connects, (c) => c.failed);
    const failures = {};
    for (const c of connects) {
      for (const [why, f] of Object.entries(c.failures)) {
        const all = (failures[why] ??= { count: 0, afterMs: [] });
        all.count += f.count;
        all.afterMs.push(...f.afterMs);
      }
    }
    log(`connected ${connected}/${o.clients} in ${(connectMs / 1000).toFixed(1)} s (failed ${failed}${failed ? `: ${JSON.stringify(failures)}` : ""})`);

    await sleep(2000);
    const memory = await call(primary, "memory", {}, 120000);
    const sockets = sum(memory, (m) => m.sockets);
    const perConnection = (key) => sum(memory, (m) => m[key] - baseline.find((b) => b.worker === m.worker).memory[key]) / Math.max(1, sockets);
    const primaryMemory = await call(primary, "primaryMemory");

    const rounds = [];
    for (let b = 0; b < o.broadcasts; b++) {
      await Promise.all(gens.map((g) => call(g, "arm")));
      await call(primary, "stamp");
      const deadline = performance.now() + 60000;
      let got;
      for (;;) {
        got = await Promise.all(gens.map((g) => call(g, "received")));
        if (sum(got, (r) => r.received) >= connected || performance.now() > deadline) break;
        await sleep(100);
      }
      const all = (await Promise.all(gens.map((g) => call(g, "latencies", {}, 60000)))).flat().sort((x, y) => x - y);
      const round = { received: all.length, p50: quantile(all, 0.5), p99: quantile(all, 0.99), max: all[all.length - 1], closed: sum(got, (r) => r.closed) };
      log(`broadcast ${b + 1}: ${round.received} clients, p50 ${round.p50.toFixed(1)} ms, p99 ${round.p99.toFixed(1)} ms, max ${round.max.toFixed(1)} ms`);
      rounds.push(round);
      await sleep(1000);
    }
    rounds.sort((x, y) => x.max - y.max);
    const mid = rounds[rounds.length >> 1];
    return {
      figures: {
        connected,
        failed,
        connectSec: connectMs / 1000,
        connectPerSec: connected / (connectMs / 1000),
        rssKBPerConn: perConnection("rss") / 1024,
        heapKBPerConn: perConnection("heapUsed") / 1024,
        workersRssMB: sum(memory, (m) => m.rss) / 1048576,
        primaryRssMB: primaryMemory.rss / 1048576,
        // CPU seconds spent up to the end of the connections (workers: since their baseline).
        workersCpuSec: sum(memory, (m) => m.cpuMs - baseline.find((b) => b.worker === m.worker).memory.cpuMs) / 1000,
        primaryCpuSec: primaryMemory.cpuMs / 1000,
        generatorsCpuSec: sum(connects, (c) => (c.cpu.user + c.cpu.system) / 1e6),
        broadcastReached: mid.received,
        broadcastP50Ms: mid.p50,
        broadcastP99Ms: mid.p99,
        broadcastMaxMs: mid.max,
        closedDuringRun: Math.max(...rounds.map((r) => r.closed)),
      },
      workers: memory.map((m) => ({ ...m, baseline: baseline.find((b) => b.worker === m.worker).memory })),
      broadcasts: rounds,
      generators: connects,
      failures,
    };
  } finally {
    await Promise.all(gens.map((g) => call(g, "close").catch(() => {})));
    await Promise.all(gens.map((g) => g.stop()));
    await primary?.stop(true);
    await redis.stop();
  }
}
