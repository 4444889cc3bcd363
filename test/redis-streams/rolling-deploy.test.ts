import { Emitter } from "@switchboard/redis-streams-adapter";
import { waitFor } from "../support/index.js";
import { buildDist, forkNode, type NodeProcess } from "../redis/node-process.js";
import { startRedis, type RedisServer } from "../redis/redis-server.js";
import { sequenceFaults, trackedClient, type ClientKind, type TrackedClient } from "./cluster-clients.js";
import { nodeRedisClient } from "./streams-nodes.js";

// A rolling deploy: three Switchboard processes with the Redis Streams adapter and connection state
// recovery, clients of both libraries sending numbered messages up (echoed back down) while a
// numbered room broadcast comes down from an emitter. Each node in turn leaves with
// `io.close({ handover })` and is replaced by a new process. Every client must recover its session
// on another node, spread over the window, with nothing lost or duplicated in any direction.

const CLIENTS_PER_NODE = 16;
const WINDOW_MS = 1500;
const UP_EVERY_MS = 80;
const SEQ_EVERY_MS = 20;
const FIXTURE = new URL("./fixtures/rolling-node.mjs", import.meta.url).pathname;

interface RollingClient extends TrackedClient {
  key: string;
  up: { sent: number; down: number[]; timer: NodeJS.Timeout | undefined };
}

let redis: RedisServer;
let redisClient: Awaited<ReturnType<typeof nodeRedisClient>>;
const nodes: NodeProcess[] = [];
const clients: RollingClient[] = [];
let seqTimer: NodeJS.Timeout | undefined;

beforeAll(async () => {
  buildDist(["adapters/redis-streams"]);
  redis = await startRedis();
  redisClient = await nodeRedisClient(redis.url);
}, 120_000);

afterAll(async () => {
  clearInterval(seqTimer);
  for (const client of clients.splice(0)) {
    clearInterval(client.up.timer);
    client.socket.disconnect();
  }
  await Promise.all(nodes.splice(0).map((node) => node.close()));
  redisClient?.destroy();
  await redis?.stop();
}, 30_000);

function startNode(index: number): Promise<NodeProcess> {
  return forkNode(FIXTURE, redis.url, `node-${index}`, [JSON.stringify({ server: "switchboard" })]);
}

function rollingClient(kind: ClientKind, urls: string[], home: number, key: string): RollingClient {
  const up: RollingClient["up"] = { sent: 0, down: [], timer: undefined };
  const client: RollingClient = Object.assign(trackedClient(kind, urls, home, key), { key, up });
  const socket = client.socket as unknown as { emit(ev: string, n: number): void; on(ev: string, fn: (n: number) => void): void };
  socket.on("down", (n) => client.up.down.push(n));
  // Sent whatever the connection's state: while it is away, the client buffers them.
  client.up.timer = setInterval(() => socket.emit("up", client.up.sent++), UP_EVERY_MS);
  return client;
}

it("hands every client over to the other nodes, spread over the window, losing nothing", async () => {
  for (let i = 0; i < 3; i++) nodes.push(await startNode(i));
  // Mutated in place as nodes are replaced: the clients pick their next URL from it.
  const urls = nodes.map((node) => node.url);
  for (let i = 0; i < 3 * CLIENTS_PER_NODE; i++) {
    clients.push(rollingClient(i % 2 === 0 ? "official" : "switchboard", urls, i % 3, `c${i}`));
  }
  await waitFor(() => clients.every((client) => client.connects.length === 1), 20_000, "every client connected");

  // The room broadcast, from outside the nodes: it goes on through every handover.
  const emitter = new Emitter(redisClient);
  let seqNext = 0;
  seqTimer = setInterval(() => emitter.to("seq").emit("seq", seqNext++), SEQ_EVERY_MS);
  // Each client has an offset to recover from, and has had some echoes.
  await waitFor(() => clients.every((client) => client.seq.length > 5 && client.up.down.length > 5), 20_000, "traffic on every client");

  const recorded: Array<Record<string, number[]>> = [];
  for (let i = 0; i < 3; i++) {
    const leaving = clients.filter((client) => client.current === i);
    const before = new Map(leaving.map((client) => [client, client.connects.length]));
    const started = Date.now();
    const result = await nodes[i].call<{ ups: Record<string, number[]>; fatal: string[] }>("leave", { window: WINDOW_MS });
    expect(result.fatal).toEqual([]);
    recorded.push(result.ups);
    // The replacement starts while the clients settle on the other nodes.
    nodes[i] = await startNode(i);
    urls[i] = nodes[i].url;
    const isBack = (client: RollingClient) => client.connects.length > before.get(client)! && client.socket.connected;
    // On a timeout, who is missing says more than the timeout.
    await waitFor(() => leaving.every(isBack), 30_000, `node ${i}'s clients back`).catch(() => undefined);
    expect(leaving.filter((client) => !isBack(client)).map((client) => ({ key: client.key, kind: client.kind, connected: client.socket.connected }))).toEqual(
      [],
    );

    expect(leaving.length).toBeGreaterThan(0);
    const moves = leaving.map((client) => client.connects.slice(before.get(client)));
    // One reconnection each, and it recovered the session (same id).
    expect(moves.map((m) => m.map((c) => ({ recovered: c.recovered, id: c.id })))).toEqual(leaving.map((client) => [{ recovered: true, id: client.firstId }]));
    // Spread: the reconnections cover a good part of the window, not one burst.
    const times = moves.map((m) => m[0].at - started).sort((a, b) => a - b);
    expect(times[times.length - 1] - times[0]).toBeGreaterThan(WINDOW_MS / 2);
  }

  // Stop everything, then wait for the last of each flow to arrive.
  for (const client of clients) clearInterval(client.up.timer);
  clearInterval(seqTimer);
  const count = seqNext;
  emitter.to("seq").emit("fence", count);
  await emitter.flush();
  await waitFor(
    () => clients.every((client) => client.fence === count && new Set(client.up.down).size >= client.up.sent),
    20_000,
    "the fence and every echo on every client",
  );
  for (const node of nodes) recorded.push(await node.call<Record<string, number[]>>("ups"));

  const none = { lost: 0, duplicated: 0 };
  const faults = clients.map((client) => {
    const ups = recorded.flatMap((byKey) => byKey[client.key] ?? []);
    const { lost, duplicated } = sequenceFaults(ups, client.up.sent);
    const down = sequenceFaults(client.up.down, client.up.sent);
    return {
      client: `${client.key} ${client.kind}`,
      up: { lost, duplicated },
      down: { lost: down.lost, duplicated: down.duplicated },
      seq: sequenceFaults(client.seq, count),
    };
  });
  expect(faults).toEqual(faults.map((f) => ({ ...f, up: none, down: none, seq: { ...none, outOfOrder: 0 } })));
}, 120_000);
