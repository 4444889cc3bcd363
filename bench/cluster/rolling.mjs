// The rolling-deploy run of the cluster benchmark: three nodes of one stack, clients sending
// numbered messages up while a numbered room broadcast comes down; each node in turn leaves on
// purpose (Switchboard: `io.close({ handover })`; socket.io: its `close()`) and a new process takes
// its place. Counts what was lost or duplicated in each direction, the reconnections a second at
// the peak, and how long until every client was back.
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { spawnChild } from "../lib/child.mjs";
import { startRedis } from "./redis.mjs";
import { NODE_OPTIONS } from "./scenario.mjs";

const NODE = fileURLToPath(new URL("./node.mjs", import.meta.url));
const CLIENTS = fileURLToPath(new URL("./clients.mjs", import.meta.url));

/** Spread of Switchboard's handover: the node ends its connections over this many ms. */
export const HANDOVER_WINDOW_MS = 5000;
/** Each client sends one numbered message up this often. */
export const UP_EVERY_MS = 1000;
/** The room broadcast's period (slower than the fault runs': 1,500 clients on 2 cores). */
export const ROLLING_EVERY_MS = 100;
/** Stream length for the streams stacks: ample, so that no client's offset leaves the stream while it moves. */
export const ROLLING_MAX_LEN = 100_000;
const GENERATORS = 2;

const now = () => performance.timeOrigin + performance.now();

async function call(proc, cmd, body, timeoutMs) {
  return (await proc.request(cmd, body, timeoutMs)).result;
}

async function startNode(stack, redisUrl, name) {
  const node = spawnChild(NODE, [stack, redisUrl, name, JSON.stringify({ ...NODE_OPTIONS, maxLen: ROLLING_MAX_LEN })], {});
  const { port } = await node.next("listening", 30000);
  return { node, url: `http://127.0.0.1:${port}` };
}

/** The most reconnections within any one second. */
export function peakPerSecond(times) {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j] - sorted[i] >= 1000) i++;
    peak = Math.max(peak, j - i + 1);
  }
  return peak;
}

export async function runRolling(stack, total) {
  const redis = await startRedis();
  const nodes = [];
  const gens = [];
  try {
    for (const name of ["a", "b", "c"]) nodes.push(await startNode(stack, redis.url, name));
    const urls = nodes.map((n) => n.url);
    for (let g = 0; g < GENERATORS; g++) gens.push(spawnChild(CLIENTS, [], {}));
    const share = Math.ceil(total / GENERATORS);
    await Promise.all(
      gens.map((g, i) => call(g, "connect", { urls, count: Math.min(share, total - i * share), first: i * share, upEveryMs: UP_EVERY_MS }, 120000)),
    );
    let publisher = 0;
    await call(nodes[publisher].node, "startSeq", { everyMs: ROLLING_EVERY_MS });
    await Promise.all(gens.map((g) => call(g, "past", { target: 20, timeoutMs: 30000 })));

    const recorded = [];
    const backMs = [];
    let reconnects = 0;
    for (let i = 0; i < nodes.length; i++) {
      // The room broadcast moves to a node that stays, going on from the same number.
      if (publisher === i) {
        const next = await call(nodes[i].node, "pauseSeq");
        publisher = (i + 1) % nodes.length;
        await call(nodes[publisher].node, "startSeq", { everyMs: ROLLING_EVERY_MS, from: next });
      }
      const affected = (await Promise.all(gens.map((g) => call(g, "countOn", { index: i })))).reduce((a, b) => a + b, 0);
      const leftAt = now();
      const { ups } = await call(nodes[i].node, "leave", { window: HANDOVER_WINDOW_MS }, 60000);
      recorded.push(ups);
      // The replacement (a new process on a new port) starts while the clients settle elsewhere.
      nodes[i] = await startNode(stack, redis.url, `${"abc"[i]}${i}`);
      await Promise.all(gens.map((g) => call(g, "setUrl", { index: i, url: nodes[i].url })));
      reconnects += affected;
      // Back: every client connected again, and as many reconnections in all as clients were moved.
      let back;
      for (;;) {
        back = await Promise.all(gens.map((g) => call(g, "back", { target: 0, timeoutMs: 60000 })));
        if (back.reduce((n, b) => n + b.reconnects, 0) >= reconnects) break;
        await sleep(20);
      }
      backMs.push(Math.max(...back.map((b) => b.at)) - leftAt);
    }

    const count = await call(nodes[publisher].node, "stopSeq");
    const seen = (await Promise.all(gens.map((g) => call(g, "drain", { count, timeoutMs: 30000 })))).flat();
    for (const { node } of nodes) recorded.push(await call(node, "ups"));
    return figures(seen, recorded, count, backMs);
  } finally {
    await Promise.all([...gens, ...nodes.map((n) => n.node)].map((p) => p.stop()));
    await redis.stop();
  }
}

function figures(seen, recorded, count, backMs) {
  let upLost = 0;
  let upDuplicated = 0;
  for (const client of seen) {
    const got = new Uint8Array(client.sent);
    for (const byKey of recorded) {
      for (const n of byKey[client.key] ?? []) {
        if (n >= client.sent) continue;
        if (got[n]) upDuplicated++;
        got[n] = 1;
      }
    }
    upLost += client.sent - got.reduce((a, b) => a + b, 0);
  }
  const sum = (pick) => seen.reduce((n, c) => n + pick(c), 0);
  const reconnects = seen.flatMap((c) => c.reconnects);
  return {
    clients: seen.length,
    messages: count,
    upSent: sum((c) => c.sent),
    upLost,
    upDuplicated,
    seqLost: sum((c) => c.seq.lost),
    seqDuplicated: sum((c) => c.seq.duplicated),
    reconnects: reconnects.length,
    recovered: reconnects.filter((r) => r.recovered).length,
    peakReconnectsPerSec: peakPerSecond(reconnects.map((r) => r.at)),
    allBackMs: Math.max(...backMs),
  };
}
