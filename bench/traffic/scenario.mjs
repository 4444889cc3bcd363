// One run of the traffic benchmark: a fresh redis-server, `nodes` node processes of one stack,
// clients spread so each room has members on one or two nodes, then `ticks` rounds of one
// broadcast per room; returns what each node read from Redis and spent per delivered message.
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { spawnChild } from "../lib/child.mjs";
import { median } from "../lib/stats.mjs";
import { createClient } from "redis";
import { startRedis } from "../cluster/redis.mjs";

const NODE = fileURLToPath(new URL("./node.mjs", import.meta.url));
const CLIENTS = fileURLToPath(new URL("./clients.mjs", import.meta.url));
const GENERATORS = 2;

async function call(proc, cmd, body, timeoutMs) {
  return (await proc.request(cmd, body, timeoutMs)).result;
}

/**
 * The node of each member of room `r`: the first on the room's owner (r % nodes); in every other
 * room of each owner, the others on one other node, chosen so every node gets the same share.
 */
export function membersOf(r, nodes, perRoom) {
  const owner = r % nodes;
  const round = Math.floor(r / nodes);
  const split = round % 2 === 1;
  const other = (owner + 1 + ((round >> 1) % (nodes - 1))) % nodes;
  return Array.from({ length: perRoom }, (_, k) => (k === 0 || !split ? owner : other));
}

/** Resolves once Redis's channel, shard-channel and pattern counts stop moving (subscriptions done). */
async function settledSubscriptions(url) {
  const client = createClient({ url });
  client.on("error", () => {});
  await client.connect();
  try {
    let last = "";
    const deadline = performance.now() + 30000;
    for (;;) {
      const counts = await Promise.all([
        client.sendCommand(["PUBSUB", "CHANNELS"]),
        client.sendCommand(["PUBSUB", "SHARDCHANNELS"]),
        client.sendCommand(["PUBSUB", "NUMPAT"]),
      ]);
      const now = JSON.stringify([counts[0].length, counts[1].length, counts[2]]);
      if (now === last || performance.now() > deadline) return { channels: counts[0].length, shardChannels: counts[1].length, patterns: counts[2] };
      last = now;
      await sleep(1000);
    }
  } finally {
    await client.close();
  }
}

/** Runs one stack; `o`: { nodes, rooms, perRoom, ticks, tickMs }. */
export async function runTraffic(stack, o) {
  const redis = await startRedis();
  const procs = [];
  const gens = [];
  try {
    // TRAFFIC_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles node 0 (it exits gracefully to write it).
    const nodeArgs = process.env.TRAFFIC_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
    for (let i = 0; i < o.nodes; i++)
      procs.push(spawnChild(NODE, [stack, redis.url, String(i), String(o.nodes), String(o.rooms)], { nodeArgs: i === 0 ? nodeArgs : [] }));
    for (const p of procs) p.child.on("error", (err) => console.error(`  ${stack}: node ${procs.indexOf(p)}: ${err.message}`));
    const ports = (await Promise.all(procs.map((p) => p.next("listening", 60000)))).map((m) => m.port);
    const members = [];
    for (let r = 0; r < o.rooms; r++) for (const node of membersOf(r, o.nodes, o.perRoom)) members.push({ port: ports[node], node, room: r });
    for (let g = 0; g < GENERATORS; g++) gens.push(spawnChild(CLIENTS, [], {}));
    const share = Math.ceil(members.length / GENERATORS);
    await Promise.all(gens.map((g, i) => call(g, "connect", { members: members.slice(i * share, (i + 1) * share), nodes: o.nodes }, 180000)));
    // The last joins' subscriptions must be in place before counting.
    const subscriptions = await settledSubscriptions(redis.url);
    const expectedPerNode = new Array(o.nodes).fill(0);
    for (const m of members) expectedPerNode[m.node] += o.ticks;
    await Promise.all(gens.map((g) => call(g, "reset")));
    await Promise.all(procs.map((p) => call(p, "begin")));
    for (let n = 0; n < o.ticks; n++) {
      for (const p of procs) if (p.child.connected) p.child.send({ cmd: "tick", n });
      await sleep(o.tickMs);
    }
    // Wait for the deliveries to drain (or give up after 20 s: the figures then show the shortfall).
    const expected = expectedPerNode.reduce((a, b) => a + b, 0);
    let delivered;
    const deadline = performance.now() + 20000;
    for (;;) {
      const counts = await Promise.all(gens.map((g) => call(g, "delivered")));
      delivered = expectedPerNode.map((_, i) => counts.reduce((s, c) => s + c[i], 0));
      if (delivered.reduce((a, b) => a + b, 0) >= expected || performance.now() > deadline) break;
      await sleep(100);
    }
    const perNode = await Promise.all(procs.map((p) => call(p, "end")));
    const broadcasts = o.rooms * o.ticks;
    const figures = {
      bytesReadPerNode: median(perNode.map((s) => s.bytesRead)),
      bytesReadMax: Math.max(...perNode.map((s) => s.bytesRead)),
      messagesPerNode: median(perNode.map((s) => s.messages)),
      messagesMax: Math.max(...perNode.map((s) => s.messages)),
      // Share of all broadcasts a node read (1 = every broadcast of the cluster).
      readShare: median(perNode.map((s) => s.messages)) / broadcasts,
      cpuUsPerDelivered: median(perNode.map((s, i) => (s.cpuMs * 1000) / Math.max(1, delivered[i]))),
      cpuMsPerNode: median(perNode.map((s) => s.cpuMs)),
      deliveredShare: delivered.reduce((a, b) => a + b, 0) / expected,
      adapterErrors: perNode.reduce((a, s) => a + s.errors, 0),
      redisChannels: subscriptions.channels + subscriptions.shardChannels + subscriptions.patterns,
    };
    return { figures, perNode: perNode.map((s, i) => ({ ...s, delivered: delivered[i], expected: expectedPerNode[i] })) };
  } finally {
    await Promise.all(gens.map((g) => call(g, "close").catch(() => {})));
    await Promise.all([...gens, ...procs].map((p, i) => p.stop(i === gens.length && !!process.env.TRAFFIC_NODE_ARGS)));
    await redis.stop();
  }
}
