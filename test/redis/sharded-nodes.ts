import { Cluster, Redis } from "ioredis";
import { createClient, createCluster } from "redis";
import { Server } from "@switchboard/server";
import { createShardedAdapter, type ShardedAdapterOptions, type ShardedRedisAdapter } from "@switchboard/redis-adapter";
import { closeServer, listen } from "../support/index.js";
import type { RedisCluster } from "./redis-cluster.js";

/** The client libraries the sharded adapter is tested with. */
export type ClientLibrary = "redis" | "ioredis";

export const LIBRARIES: readonly ClientLibrary[] = ["redis", "ioredis"];

const newNodeRedisCluster = (cluster: RedisCluster) => createCluster({ rootNodes: cluster.servers.map((s) => ({ url: s.url })) });
export type NodeRedisCluster = ReturnType<typeof newNodeRedisCluster>;

const newNodeRedisClient = (url: string) => createClient({ url });
type NodeRedisClient = ReturnType<typeof newNodeRedisClient>;
type AnyClient = NodeRedisCluster | Cluster | NodeRedisClient | Redis;

/** A publishing and a subscribing client of one library, connected. */
export interface ClientPair {
  pub: AnyClient;
  sub: AnyClient;
  /** Errors the clients reported (connections dropped by a failover...). */
  errors: Error[];
  close(): Promise<void>;
}

async function closeClient(client: AnyClient): Promise<void> {
  try {
    if (client instanceof Cluster || client instanceof Redis) await client.quit();
    else await client.close();
  } catch {
    if (client instanceof Cluster || client instanceof Redis) client.disconnect();
    else client.destroy();
  }
}

/** Two clients of one library on a single Redis server (sharded pub/sub works without a cluster too). */
export async function standaloneClients(url: string, library: ClientLibrary): Promise<ClientPair> {
  const errors: Error[] = [];
  const onError = (err: Error) => errors.push(err);
  const [pub, sub] = library === "redis" ? [newNodeRedisClient(url), newNodeRedisClient(url)] : [new Redis(url), new Redis(url)];
  for (const client of [pub, sub]) client.on("error", onError);
  if (pub instanceof Redis && sub instanceof Redis) await Promise.all([new Promise((r) => pub.once("ready", r)), new Promise((r) => sub.once("ready", r))]);
  else await Promise.all([(pub as NodeRedisClient).connect(), (sub as NodeRedisClient).connect()]);
  return { pub, sub, errors, close: () => Promise.all([closeClient(pub), closeClient(sub)]).then(() => undefined) };
}

export async function clusterClients(cluster: RedisCluster, library: ClientLibrary): Promise<ClientPair> {
  const errors: Error[] = [];
  const onError = (err: Error) => errors.push(err);
  let pub: NodeRedisCluster | Cluster;
  let sub: NodeRedisCluster | Cluster;
  if (library === "redis") {
    const [p, s] = [newNodeRedisCluster(cluster), newNodeRedisCluster(cluster)];
    p.on("error", onError);
    s.on("error", onError);
    await Promise.all([p.connect(), s.connect()]);
    [pub, sub] = [p, s];
  } else {
    // Without shardedSubscribers an ioredis Cluster sends every SSUBSCRIBE to one node.
    const options = { shardedSubscribers: true, redisOptions: { maxRetriesPerRequest: 3 } };
    const [p, s] = [new Cluster(cluster.seeds, options), new Cluster(cluster.seeds, options)];
    p.on("error", onError);
    s.on("error", onError);
    await Promise.all([new Promise((r) => p.once("ready", r)), new Promise((r) => s.once("ready", r))]);
    [pub, sub] = [p, s];
  }
  return { pub, sub, errors, close: () => Promise.all([closeClient(pub), closeClient(sub)]).then(() => undefined) };
}

/** One Switchboard server node in this process, with the sharded adapter on its own cluster clients. */
export interface ShardedNode {
  io: Server;
  url: string;
  clients: ClientPair;
  adapter(nsp?: string): ShardedRedisAdapter;
  pendingRequests(): number;
  /** Every SSUBSCRIBE/SUNSUBSCRIBE of every namespace answered. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function startShardedNode(redis: RedisCluster | { url: string }, library: ClientLibrary, opts: ShardedAdapterOptions = {}): Promise<ShardedNode> {
  const clients = "servers" in redis ? await clusterClients(redis, library) : await standaloneClients(redis.url, library);
  const { server, url } = await listen();
  const io = new Server(server);
  io.adapter(createShardedAdapter(clients.pub, clients.sub, { heartbeatInterval: 500, heartbeatTimeout: 1500, requestsTimeout: 2000, ...opts }));
  const adapter = (nsp = "/") => io.of(nsp).adapter as unknown as ShardedRedisAdapter;
  await adapter().init();
  return {
    io,
    url,
    clients,
    adapter,
    pendingRequests: () => adapter().pendingRequests,
    settled: async () => {
      await Promise.all([...io._nsps.keys()].map((name) => adapter(name).whenSubscribed()));
    },
    close: async () => {
      await io.close();
      await closeServer(server);
      await clients.close();
    },
  };
}
