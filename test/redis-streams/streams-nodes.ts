import { createServer } from "node:http";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { Server as OfficialServer } from "socket.io";
import { createAdapter as createOfficialAdapter } from "@socket.io/redis-streams-adapter";
import { Server, type ConnectionStateRecoveryOptions } from "@switchboard/server";
import { createAdapter, type RedisStreamsAdapter, type RedisStreamsAdapterOptions } from "@switchboard/redis-streams-adapter";
import { closeServer, eventually, listen, startTcpProxy, type TcpProxy } from "../support/index.js";
import type { ClusterNode } from "../redis/cross-node-suite.js";

export type ClientLibrary = "redis" | "ioredis";

export interface StreamsNodeOptions {
  library?: ClientLibrary;
  adapter?: RedisStreamsAdapterOptions;
  /** Connection state recovery (off when undefined). */
  recovery?: ConnectionStateRecoveryOptions;
  /** Reach Redis through a TCP proxy, so that the test can freeze or cut this node's Redis traffic. */
  proxied?: boolean;
}

/** A Switchboard node in this process, with the Redis Streams adapter. */
export interface StreamsNode extends ClusterNode {
  adapter(nsp?: string): RedisStreamsAdapter;
  /** Adapter errors reported on the `error` event of "/". */
  errors: Error[];
  /** The node's Redis traffic, when started `proxied`. */
  proxy: TcpProxy | undefined;
  /**
   * The node dies, as far as the cluster can tell: its Redis traffic is cut, then its clients'
   * connections are dropped (they see a transport close). Nothing it does afterwards reaches Redis.
   */
  crash(): Promise<void>;
}

/** A `redis` client with fast reconnection, whose errors are recorded (a dropped connection emits some). */
export async function nodeRedisClient(url: string, errors: Error[] = []) {
  const client = createClient({ url, socket: { reconnectStrategy: () => 50 } });
  client.on("error", (err: Error) => errors.push(err));
  await client.connect();
  return client;
}

export async function ioRedisClient(port: number, errors: Error[] = []) {
  const client = new Redis(port, "127.0.0.1", { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
  client.on("error", (err: Error) => errors.push(err));
  await client.connect();
  return client;
}

export async function startStreamsNode(redisPort: number, opts: StreamsNodeOptions = {}): Promise<StreamsNode> {
  const proxy = opts.proxied ? await startTcpProxy(redisPort) : undefined;
  const port = proxy?.port ?? redisPort;
  const clientErrors: Error[] = [];
  const library = opts.library ?? "redis";
  const client = library === "redis" ? await nodeRedisClient(`redis://127.0.0.1:${port}`, clientErrors) : await ioRedisClient(port, clientErrors);
  const { server, url } = await listen();
  // Every TCP connection, upgraded ones included (closeAllConnections() only knows HTTP ones).
  const connections = new Set<import("node:net").Socket>();
  server.on("connection", (socket) => {
    connections.add(socket);
    socket.once("close", () => connections.delete(socket));
  });
  const io = new Server(server, opts.recovery ? { connectionStateRecovery: opts.recovery } : {});
  // A node that may crash gets short requests: its close() waits for nothing it can no longer reach.
  io.adapter(createAdapter(client, opts.proxied ? { requestsTimeout: 1000, ...opts.adapter } : opts.adapter));
  const adapter = (nsp = "/") => io.of(nsp).adapter as unknown as RedisStreamsAdapter;
  const errors: Error[] = [];
  adapter().on("error", (err: Error) => errors.push(err));
  await adapter().init();
  let closed = false;
  let crashed = false;
  const releaseRedis = () => {
    if (library === "redis") (client as Awaited<ReturnType<typeof nodeRedisClient>>).destroy();
    else (client as Redis).disconnect();
  };
  return {
    io,
    url,
    errors,
    proxy,
    adapter,
    pendingRequests: () => adapter().pendingRequests,
    crash: async () => {
      if (!proxy) throw new Error("crash() needs a node started with proxied: true");
      await proxy.cut();
      for (const socket of connections) socket.destroy();
      crashed = true;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      // A crashed node cannot reach Redis: its client goes first, so that nothing waits for it.
      if (crashed) releaseRedis();
      await io.close();
      await closeServer(server);
      releaseRedis();
      await proxy?.close();
    },
  };
}

/** A socket.io 4.8 node with `@socket.io/redis-streams-adapter` 0.3.1, in this process. */
export async function startOfficialNode(
  redisPort: number,
  opts: { recovery?: ConnectionStateRecoveryOptions } = {},
): Promise<ClusterNode & { official: OfficialServer }> {
  // Its duplicates carry the name too: the test sees when its stream reader is blocked in XREAD.
  const name = `official-${Math.random().toString(36).slice(2)}`;
  const client = createClient({ url: `redis://127.0.0.1:${redisPort}`, name, socket: { reconnectStrategy: () => 50 } });
  client.on("error", () => undefined);
  await client.connect();
  const { server, url } = await listen(createServer());
  const official = new OfficialServer(server, opts.recovery ? { connectionStateRecovery: opts.recovery } : {});
  official.adapter(createOfficialAdapter(client, {}));
  // It reads from "$": what is written before its first XREAD would never reach it.
  await eventually(
    async () =>
      String(await client.sendCommand(["CLIENT", "LIST"]))
        .split("\n")
        .some((line) => line.includes(`name=${name} `) && line.includes("cmd=xread")),
    5000,
    "the official node reading its stream",
  );
  return {
    io: official as unknown as Server,
    official,
    localAllSockets: true,
    url,
    close: async () => {
      await official.close();
      await closeServer(server);
      client.destroy();
    },
  };
}
