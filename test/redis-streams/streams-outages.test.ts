import type { Socket as ClientSocket } from "socket.io-client";
import { eventually, waitFor } from "../support/index.js";
import { connectClient, record, waitForNodes } from "../redis/cluster-nodes.js";
import { startRedis, type RedisServer, type RedisServerOptions } from "../redis/redis-server.js";
import { nodeRedisClient, startStreamsNode, type StreamsNode, type StreamsNodeOptions } from "./streams-nodes.js";

// Redis goes away (killed, restarted with or without its data, paused) under two in-process nodes.
let redis: RedisServer;
let nodes: StreamsNode[];
let clients: ClientSocket[];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

const OPTIONS: StreamsNodeOptions = { adapter: { requestsTimeout: 500, heartbeatInterval: 100, heartbeatTimeout: 1000 } };

async function cluster(redisOptions: RedisServerOptions = {}, a: StreamsNodeOptions = OPTIONS): Promise<void> {
  redis = await startRedis(redisOptions);
  nodes = [await startStreamsNode(redis.port, a), await startStreamsNode(redis.port, OPTIONS)];
  for (const node of nodes) node.io.on("connection", (socket) => void socket.join("room"));
  await waitForNodes(nodes[0].io, 2);
  clients = [await connectClient(nodes[0].url), await connectClient(nodes[1].url)];
}

beforeEach(() => {
  unhandled.length = 0;
  process.on("unhandledRejection", onUnhandled);
});

afterEach(async () => {
  process.off("unhandledRejection", onUnhandled);
  for (const c of clients ?? []) c.disconnect();
  await Promise.all((nodes ?? []).map((n) => n.close()));
  await redis?.stop();
  expect(unhandled).toEqual([]);
});

const values = (got: unknown[][]) => got.map((args) => args[0]);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("Redis Streams adapter through Redis outages", () => {
  it("fails a request that cannot reach Redis with CLUSTER_UNREACHABLE, never with partial results", async () => {
    await cluster();
    const [a] = nodes as [StreamsNode, StreamsNode];
    await redis.kill();
    await expect(a.io.fetchSockets()).rejects.toMatchObject({ code: "CLUSTER_UNREACHABLE" });
    await expect(a.io.serverSideEmitWithAck("question")).rejects.toMatchObject({ code: "CLUSTER_UNREACHABLE" });
    await expect(a.io.timeout(2000).emitWithAck("question")).rejects.toMatchObject({ code: "CLUSTER_UNREACHABLE" });
    await expect(a.io.of("/").adapter.serverCount()).rejects.toMatchObject({ code: "CLUSTER_UNREACHABLE" });
    expect(a.adapter().pendingRequests).toBe(0);

    await redis.restart();
    // Until every node has resubscribed, requests fail as unreachable; then they are whole again.
    let ids: string[] = [];
    await eventually(
      async () => {
        try {
          ids = (await a.io.fetchSockets()).map((s) => s.id).sort();
          return true;
        } catch (err) {
          if ((err as { code?: string }).code === "CLUSTER_UNREACHABLE") return false;
          throw err;
        }
      },
      10_000,
      "a request that reaches every node",
    );
    expect(ids).toEqual(clients.map((c) => c.id).sort());
  }, 20_000);

  it.each(["none", "aof"] as const)(
    "loses no broadcast when Redis stalls with publishes in flight and then dies (persistence: %s)",
    async (persistence) => {
      await cluster({ persistence });
      const [a] = nodes as [StreamsNode, StreamsNode];
      const got = clients.map((c) => record(c, "m"));
      a.io.to("room").emit("m", 0);
      await waitFor(() => got.every((g) => g.length === 1), 5000, "the first broadcast");

      redis.pause();
      for (let i = 1; i <= 20; i++) a.io.to("room").emit("m", i);
      await waitFor(() => a.adapter().pendingPublishes === 20, 5000, "20 publishes waiting for Redis");
      await redis.kill();
      await redis.restart();
      await waitFor(() => got.every((g) => g.length >= 21), 10_000, "every broadcast after the restart");
      a.io.to("room").emit("m", 21);
      await waitFor(() => got.every((g) => g.length >= 22), 5000, "a broadcast after that");
      for (const g of got) expect(values(g)).toEqual(range(0, 21));
      expect(a.errors.some((err) => (err as { code?: string }).code === "CLUSTER_UNREACHABLE")).toBe(true);
    },
    30_000,
  );

  it("writes again what Redis had taken but a stalled node had not read when Redis lost its data", async () => {
    redis = await startRedis();
    nodes = [await startStreamsNode(redis.port, OPTIONS), await startStreamsNode(redis.port, { ...OPTIONS, proxied: true })];
    for (const node of nodes) node.io.on("connection", (socket) => void socket.join("room"));
    await waitForNodes(nodes[0].io, 2);
    clients = [await connectClient(nodes[0].url), await connectClient(nodes[1].url)];
    const got = clients.map((c) => record(c, "m"));
    const [a, b] = nodes as [StreamsNode, StreamsNode];
    a.io.to("room").emit("m", 1);
    await waitFor(() => got.every((g) => g.length === 1), 5000, "a first broadcast");

    // b stops hearing Redis; a's next broadcast is in the stream and read by a only.
    b.proxy!.freeze();
    a.io.to("room").emit("m", 2);
    await waitFor(() => got[0].length === 2, 5000, "the broadcast on a");
    await redis.kill();
    await redis.restart();
    // b's stalled connections go, with the answer that held broadcast 2: b must read it again.
    b.proxy!.drop();
    await waitFor(() => got[1].length === 2, 10_000, "the lost broadcast on b");
    a.io.to("room").emit("m", 3);
    await waitFor(() => got.every((g) => g.length === 3), 5000, "a broadcast after that");
    for (const g of got) expect(values(g)).toEqual([1, 2, 3]);
  }, 20_000);

  it("notices a stream that came back empty with lower ids, and reads it from its start", async () => {
    redis = await startRedis();
    // A stream whose last id lies far in the future: after a reset, new ids are lower than it.
    const writer = await nodeRedisClient(redis.url);
    await writer.sendCommand(["XADD", "socket.io", "99999999999999-0", "note", "far future"]);
    writer.destroy();
    nodes = [await startStreamsNode(redis.port, OPTIONS), await startStreamsNode(redis.port, OPTIONS)];
    for (const node of nodes) node.io.on("connection", (socket) => void socket.join("room"));
    await waitForNodes(nodes[0].io, 2);
    clients = [await connectClient(nodes[0].url), await connectClient(nodes[1].url)];
    const got = clients.map((c) => record(c, "m"));
    nodes[0].io.to("room").emit("m", 1);
    await waitFor(() => got.every((g) => g.length === 1), 5000, "a broadcast before the reset");

    await redis.kill();
    await redis.restart();
    await waitForNodes(nodes[0].io, 2);
    nodes[0].io.to("room").emit("m", 2);
    nodes[1].io.to("room").emit("m", 3);
    await waitFor(() => got.every((g) => g.length === 3), 10_000, "the broadcasts after the reset");
    for (const g of got) expect(values(g).sort()).toEqual([1, 2, 3]);
  }, 20_000);

  it("keeps at most maxPendingPublishes messages for Redis: the next ones reach this node's clients only, reported once", async () => {
    await cluster({}, { adapter: { ...OPTIONS.adapter, maxPendingPublishes: 5 } });
    const [a] = nodes as [StreamsNode, StreamsNode];
    const got = clients.map((c) => record(c, "m"));
    redis.pause();
    for (let i = 1; i <= 8; i++) a.io.to("room").emit("m", i);
    const full = a.errors.filter((err) => (err as { code?: string }).code === "CLUSTER_PUBLISH_BUFFER_FULL");
    expect(full).toHaveLength(1);
    await waitFor(() => got[0].length === 3, 5000, "the refused broadcasts on the local client");
    expect(values(got[0])).toEqual([6, 7, 8]);
    expect(got[1]).toEqual([]);

    redis.resume();
    await waitFor(() => got[0].length === 8 && got[1].length === 5, 10_000, "the buffered broadcasts");
    expect(values(got[0])).toEqual([6, 7, 8, 1, 2, 3, 4, 5]);
    expect(values(got[1])).toEqual([1, 2, 3, 4, 5]);
    expect(a.adapter().pendingPublishes).toBe(0);
  }, 20_000);
});
