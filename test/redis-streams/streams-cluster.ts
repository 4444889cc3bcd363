import { fileURLToPath } from "node:url";
import { eventually, waitFor } from "../support/index.js";
import { forkNode, type NodeProcess } from "../redis/node-process.js";
import { startRedis, type RedisServer, type RedisServerOptions } from "../redis/redis-server.js";
import { trackedClient, type TrackedClient } from "./cluster-clients.js";

const NODE_SCRIPT = fileURLToPath(new URL("./fixtures/streams-node.mjs", import.meta.url));

/** Node settings: short heartbeats, and requests that would time out well after the heartbeat does. */
export const HEARTBEAT_INTERVAL = 500;
export const HEARTBEAT_TIMEOUT = 2000;

/** How a cluster request ended (see `timed` in fixtures/streams-node.mjs). */
export interface Timed<T> {
  ok: boolean;
  ms: number;
  result?: T;
  error?: string;
  code?: string;
}

export interface RemoteSocketInfo {
  id: string;
  data: { home: string; group: string | null };
  rooms: string[];
}

/** Redis, three node processes (a, b, c) and clients spread over them, both client libraries. */
export interface StreamsCluster {
  redis: RedisServer;
  nodes: NodeProcess[];
  urls: string[];
  clients: TrackedClient[];
  /** Errors that escaped a node (uncaught exceptions, unhandled rejections), reported over IPC. */
  fatal: string[];
  /** Polls a node until it counts `count` servers. */
  waitForServerCount(node: NodeProcess, count: number): Promise<void>;
  close(): Promise<void>;
}

/** The server implementation in the node processes; STREAMS_SERVER=socketio runs the official peer instead. */
const server = process.env.STREAMS_SERVER === "socketio" ? "socketio" : "switchboard";

export async function startCluster(redisOptions: RedisServerOptions = {}, clientCount = 12): Promise<StreamsCluster> {
  const redis = await startRedis(redisOptions);
  const config = JSON.stringify({ server, heartbeatInterval: HEARTBEAT_INTERVAL, heartbeatTimeout: HEARTBEAT_TIMEOUT, requestsTimeout: 5000 });
  const fatal: string[] = [];
  const nodes: NodeProcess[] = [];
  const clients: TrackedClient[] = [];
  const close = async () => {
    for (const client of clients) client.socket.disconnect();
    await Promise.all(nodes.map((node) => node.close()));
    await redis.stop();
  };
  try {
    for (const name of ["a", "b", "c"]) {
      const node = await forkNode(NODE_SCRIPT, redis.url, name, [config]);
      node.child.on("message", (msg: { event?: string; error?: string }) => {
        if (msg.event === "fatal") fatal.push(`node ${name}: ${msg.error}`);
      });
      nodes.push(node);
    }
    const waitForServerCount = (node: NodeProcess, count: number) =>
      eventually(async () => (await node.call<number>("serverCount")) === count, 10_000, `node ${node.name} counting ${count} servers`);
    for (const node of nodes) await waitForServerCount(node, 3);
    const urls = nodes.map((node) => node.url);
    for (let i = 0; i < clientCount; i++) {
      clients.push(trackedClient(i % 2 === 0 ? "official" : "switchboard", urls, i % 3, `g${i % 4}`));
    }
    await waitFor(() => clients.every((c) => c.connects.length === 1), 10_000, "every client connected");
    return { redis, nodes, urls, clients, fatal, waitForServerCount, close };
  } catch (err) {
    await close();
    throw err;
  }
}
