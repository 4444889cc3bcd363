import type { Socket as ClientSocket } from "socket.io-client";
import { eventually, waitFor } from "../support/index.js";
import { connectClient, waitForNodes } from "../redis/cluster-nodes.js";
import { startRedis, type RedisServer } from "../redis/redis-server.js";
import { startStreamsNode, type StreamsNode, type StreamsNodeOptions } from "./streams-nodes.js";

// Node c hangs (its Redis traffic frozen: connections open, nothing moves) or dies (cut): the
// other nodes' requests complete with the live nodes' answers within heartbeatTimeout, instead
// of failing or waiting for the request timeout.
const HEARTBEAT_INTERVAL = 100;
const HEARTBEAT_TIMEOUT = 600;
const REQUESTS_TIMEOUT = 4000;
/** Scheduling on a loaded machine, on top of the heartbeat timeout. */
const SLACK = 700;

let redis: RedisServer;
let nodes: StreamsNode[];
let clients: ClientSocket[];

const options: StreamsNodeOptions = {
  adapter: { heartbeatInterval: HEARTBEAT_INTERVAL, heartbeatTimeout: HEARTBEAT_TIMEOUT, requestsTimeout: REQUESTS_TIMEOUT },
};

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
});

beforeEach(async () => {
  nodes = [
    await startStreamsNode(redis.port, options),
    await startStreamsNode(redis.port, options),
    await startStreamsNode(redis.port, { ...options, proxied: true }),
  ];
  for (const [i, node] of nodes.entries()) {
    node.io.on("connection", (socket) => {
      void socket.join("room");
      socket.on("ask", (cb: (v: string) => void) => cb(`client of ${i}`));
    });
    node.io.on("question", (cb: (a: string) => void) => cb(`node ${i}`));
  }
  for (const node of nodes) await waitForNodes(node.io, 3);
  await eventually(async () => nodes.every((n) => n.adapter().liveNodes.length === 2), 5000, "every node knows its peers");
  clients = [];
  for (const node of nodes) {
    const client = await connectClient(node.url);
    client.on("ask", (cb: (v: string) => void) => cb(`client on ${nodes.indexOf(node)}`));
    clients.push(client);
  }
});

afterEach(async () => {
  for (const c of clients) c.disconnect();
  await Promise.all(nodes.map((n) => n.close()));
});

/** Runs the three requests from node a and says how long each took. */
async function requests(a: StreamsNode) {
  const timed = async <T>(run: () => Promise<T>) => {
    const started = Date.now();
    const result = await run();
    return { result, ms: Date.now() - started };
  };
  return Promise.all([
    timed(async () => (await a.io.fetchSockets()).map((s) => s.id).sort()),
    timed(async () => ((await a.io.serverSideEmitWithAck("question")) as string[]).sort()),
    timed(async () => ((await a.io.timeout(REQUESTS_TIMEOUT * 2).emitWithAck("ask")) as string[]).sort()),
  ]);
}

describe("requests when a node hangs or dies", () => {
  it.each(["hangs", "dies"] as const)(
    "complete with the live nodes' answers when a node %s",
    async (fault) => {
      const [a, , c] = nodes as [StreamsNode, StreamsNode, StreamsNode];
      if (fault === "hangs") c.proxy!.freeze();
      else await c.crash();
      const faultAt = Date.now();
      const [fetched, emitted, acked] = await requests(a);
      expect(fetched.result).toEqual([clients[0].id, clients[1].id].sort());
      expect(emitted.result).toEqual(["node 1"]);
      expect(acked.result).toEqual(["client on 0", "client on 1"]);
      // Answered once c was declared dead, long before the requests' own timeout.
      const elapsed = Date.now() - faultAt;
      expect(elapsed).toBeLessThan(HEARTBEAT_TIMEOUT + SLACK);
      expect(a.adapter().liveNodes).toHaveLength(1);
      expect(await a.io.of("/").adapter.serverCount()).toBe(2);
      expect(a.adapter().pendingRequests).toBe(0);
      if (fault === "hangs") {
        // Back to life: its heartbeats make it a peer again.
        c.proxy!.thaw();
        await waitFor(() => a.adapter().liveNodes.length === 2, 5000, "c alive again");
        expect(await a.io.of("/").adapter.serverCount()).toBe(3);
      }
    },
    20_000,
  );

  it("fail with CLUSTER_REQUEST_TIMEOUT when a live node does not answer", async () => {
    const [a, , c] = nodes as [StreamsNode, StreamsNode, StreamsNode];
    c.io.removeAllListeners("question");
    c.io.on("question", () => {
      /* keeps its heartbeats, never answers */
    });
    const started = Date.now();
    await expect(a.io.serverSideEmitWithAck("question")).rejects.toMatchObject({ code: "CLUSTER_REQUEST_TIMEOUT" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(REQUESTS_TIMEOUT - 50);
    expect(a.adapter().pendingRequests).toBe(0);
  }, 20_000);
});
