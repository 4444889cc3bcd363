// One run of the cluster benchmark: a fresh redis-server, three node processes of one stack, two
// load-generator processes, a numbered room broadcast from node a, one fault, then the figures.
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { spawnChild } from "../lib/child.mjs";
import { startRedis } from "./redis.mjs";

const NODE = fileURLToPath(new URL("./node.mjs", import.meta.url));
const CLIENTS = fileURLToPath(new URL("./clients.mjs", import.meta.url));

/** The same for every stack; each adapter takes the options it knows. */
export const NODE_OPTIONS = { heartbeatInterval: 1000, heartbeatTimeout: 3000, requestsTimeout: 5000, maxDisconnectionDuration: 120_000 };
export const EVERY_MS = 20;
export const REDIS_DOWN_MS = 2000;
export const REDIS_PAUSE_MS = 5000;
const GENERATORS = 2;

const now = () => performance.timeOrigin + performance.now();
const quantile = (sorted, q) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);

/** A cluster request's outcome: "ok", "partial" (ok with fewer sockets than were connected) or "error". */
function outcome(answer, expectedSize) {
  if (!answer.ok) return { outcome: "error", ms: answer.ms, error: answer.error, code: answer.code };
  if (expectedSize !== undefined && answer.size < expectedSize) return { outcome: "partial", ms: answer.ms, size: answer.size, expectedSize };
  return { outcome: "ok", ms: answer.ms, size: answer.size };
}

async function call(proc, cmd, body, timeoutMs) {
  return (await proc.request(cmd, body, timeoutMs)).result;
}

/** Runs `fault` ("kill" | "redis-restart" | "redis-pause") on `stack` with `total` clients. */
export async function runFault(stack, fault, total) {
  const redis = await startRedis();
  const nodes = [];
  const gens = [];
  try {
    for (const name of ["a", "b", "c"]) nodes.push(spawnChild(NODE, [stack, redis.url, name, JSON.stringify(NODE_OPTIONS)], {}));
    const urls = (await Promise.all(nodes.map((n) => n.next("listening", 30000)))).map((m) => `http://127.0.0.1:${m.port}`);
    const [a, b] = nodes;
    // Every node counts the three before any client connects (readers and heartbeats are up).
    for (const node of nodes) {
      const deadline = now() + 20000;
      while ((await call(node, "serverCount")) !== 3) {
        if (now() > deadline) throw new Error("the three nodes did not see each other within 20 s");
        await sleep(50);
      }
    }
    for (let g = 0; g < GENERATORS; g++) gens.push(spawnChild(CLIENTS, [], {}));
    const share = Math.ceil(total / GENERATORS);
    await Promise.all(gens.map((g, i) => call(g, "connect", { urls, count: Math.min(share, total - i * share), first: i * share }, 120000)));
    await call(a, "startSeq", { everyMs: EVERY_MS });
    await Promise.all(gens.map((g) => call(g, "past", { target: 25, timeoutMs: 20000 })));

    let info;
    const requests = {};
    if (fault === "kill") {
      const at = now();
      nodes[2].child.kill("SIGKILL");
      const [fetched, asked] = await Promise.all([call(a, "fetchSockets", {}, 30000), call(b, "serverSideEmitWithAck", {}, 30000)]);
      requests.fetchSockets = outcome(fetched);
      requests.serverSideEmitWithAck = outcome(asked);
      info = { kind: "kill", node: 2, at };
    } else if (fault === "redis-restart") {
      await redis.kill();
      const downAt = now();
      const during = call(a, "fetchSockets", {}, 60000);
      await sleep(Math.max(0, REDIS_DOWN_MS - (now() - downAt)));
      await redis.start();
      const at = now();
      info = { kind: fault, publisher: 0, at, nBack: await call(a, "seqNext") };
      requests.fetchSockets = outcome(await during, total);
    } else {
      redis.pause();
      const during = call(a, "fetchSockets", {}, 60000);
      await sleep(REDIS_PAUSE_MS);
      redis.resume();
      const at = now();
      info = { kind: fault, publisher: 0, at, nBack: await call(a, "seqNext") };
      requests.fetchSockets = outcome(await during, total);
    }
    await Promise.all(gens.map((g) => call(g, "fault", { fault: info })));

    // Let the broadcast run well past the fault, then close it with the fence.
    const target = (await call(a, "seqNext")) + 50;
    await Promise.all(gens.map((g) => call(g, "past", { target, timeoutMs: 20000 })));
    const count = await call(a, "stopSeq");
    const seen = (await Promise.all(gens.map((g) => call(g, "fence", { count, timeoutMs: 10000 })))).flat();
    const live = nodes.slice(0, fault === "kill" ? 2 : 3);
    const escaped = (await Promise.all(live.map((n) => call(n, "escaped")))).flat();
    const refused = (await Promise.all(live.map((n) => call(n, "refusedRestores")))).flat();
    return { ...figures(seen, count, requests, escaped), refusedRestores: refused.length, ...traces(seen, refused) };
  } finally {
    await Promise.all([...gens, ...nodes].map((p) => p.stop()));
    await redis.stop();
  }
}

/** For a run where an affected client lost messages: what its connections and the nodes saw. */
function traces(seen, refused) {
  const lossy = seen.filter((s) => s.affected && s.lost > 0).slice(0, 3);
  if (lossy.length === 0 && refused.length === 0) return {};
  return { trace: { clients: lossy.map(({ connects, lost }) => ({ lost, connects })), refused: refused.slice(0, 5) } };
}

function figures(seen, count, requests, escaped) {
  const affected = seen.filter((s) => s.affected);
  const sum = (list, key) => list.reduce((acc, s) => acc + s[key], 0);
  const recover = affected
    .map((s) => s.recoverMs)
    .filter((ms) => ms !== null)
    .sort((x, y) => x - y);
  return {
    clients: seen.length,
    messages: count,
    affected: affected.length,
    lost: sum(seen, "lost"),
    clientsWithLoss: seen.filter((s) => s.lost > 0).length,
    duplicated: sum(seen, "duplicated"),
    outOfOrder: sum(seen, "outOfOrder"),
    // A session survived: the client never had to reconnect, or it came back recovered with its id.
    recovered: affected.filter((s) => !s.reconnected || s.recovered).length,
    recoverP50Ms: quantile(recover, 0.5),
    recoverP99Ms: quantile(recover, 0.99),
    requests,
    escapedErrors: escaped.length,
  };
}
