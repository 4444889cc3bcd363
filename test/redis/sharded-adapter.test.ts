import { Cluster } from "ioredis";
import { createShardedAdapter } from "@switchboard/redis-adapter";
import { crossNodeSuite } from "./cross-node-suite.js";
import { useRedisCluster } from "./redis-cluster.js";
import { waitFor } from "../support/index.js";
import { connectClient, record } from "./cluster-nodes.js";
import { startRedis, type RedisServer } from "./redis-server.js";
import { LIBRARIES, clusterClients, startShardedNode, type ShardedNode } from "./sharded-nodes.js";

// Three Switchboard nodes in this process on a real three-master Redis Cluster, each with its own
// cluster clients (redis createCluster, or ioredis Cluster); clients are socket.io-client.
const cluster = useRedisCluster();

// Every mode with redis; ioredis (slower to connect) in the default mode here, and in every mode
// in sharded-mixed.test.ts and sharded-dynamic.test.ts.
const CASES = [
  ["redis", "static"],
  ["redis", "dynamic"],
  ["redis", "dynamic-private"],
  ["ioredis", "dynamic"],
] as const;

for (const [library, subscriptionMode] of CASES) {
  crossNodeSuite(`sharded adapter (${library}, ${subscriptionMode}), three nodes on a Redis Cluster`, async () => {
    const nodes = [];
    for (let i = 0; i < 3; i++) nodes.push(await startShardedNode(cluster(), library, { subscriptionMode }));
    return nodes;
  });
}

describe.each(LIBRARIES)("sharded adapter on one Redis 7 server, without a cluster (%s)", (library) => {
  let redis: RedisServer;
  let nodes: ShardedNode[];

  beforeAll(async () => {
    redis = await startRedis();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  afterEach(async () => {
    await Promise.all(nodes.map((n) => n.close()));
  });

  it("broadcasts to a room and answers requests across two nodes", async () => {
    nodes = [await startShardedNode(redis, library), await startShardedNode(redis, library)];
    nodes[1].io.on("connection", (socket) => void socket.join("room"));
    const client = await connectClient(nodes[1].url);
    await nodes[1].settled();
    const got = record(client, "m");
    nodes[0].io.to("room").emit("m", "hello");
    await waitFor(() => got.length === 1, 3000, "the room broadcast");
    expect(await nodes[0].adapter().serverCount()).toBe(2);
    expect((await nodes[0].io.fetchSockets()).map((s) => s.id)).toEqual([client.id]);
    client.disconnect();
  });
});

describe("createShardedAdapter options", () => {
  it("refuses a wrong option at once, naming it", async () => {
    const { pub, sub, close } = await clusterClients(cluster(), "redis");
    try {
      expect(() => createShardedAdapter(pub, sub, { subscriptionMode: "sometimes" as "static" })).toThrow(
        expect.objectContaining({ code: "REDIS_SHARDED_INVALID_OPTION", option: "subscriptionMode" }),
      );
      expect(() => createShardedAdapter(pub, sub, { channelPrefix: "" })).toThrow(expect.objectContaining({ option: "channelPrefix" }));
      expect(() => createShardedAdapter(pub, sub, { heartbeatInterval: -1 })).toThrow(expect.objectContaining({ option: "heartbeatInterval" }));
      expect(() => createShardedAdapter({} as typeof pub, sub)).toThrow(expect.objectContaining({ code: "REDIS_SHARDED_CLIENT_UNSUPPORTED" }));
      // An ioredis Cluster routes SSUBSCRIBE to the channel's shard only with shardedSubscribers.
      const plain = new Cluster(cluster().seeds, { lazyConnect: true });
      expect(() => createShardedAdapter(plain, plain)).toThrow(expect.objectContaining({ code: "REDIS_SHARDED_SUBSCRIBERS_OFF" }));
      expect(() => createShardedAdapter(pub, plain)).toThrow(expect.objectContaining({ code: "REDIS_CLIENT_MISMATCH" }));
      plain.disconnect();
    } finally {
      await close();
    }
  });
});
