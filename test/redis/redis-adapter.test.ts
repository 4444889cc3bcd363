import type { Socket as ClientSocket } from "socket.io-client";
import type { RedisAdapter } from "@switchboard/redis-adapter";
import { waitFor } from "../support/index.js";
import { connectClient, startNode, waitForNodes, type SwitchboardNode } from "./cluster-nodes.js";
import { crossNodeSuite } from "./cross-node-suite.js";
import { startRedis, type RedisServer } from "./redis-server.js";

// Three Switchboard nodes in this process on one real redis-server; clients are socket.io-client.
let redis: RedisServer;

const adapterOf = (node: SwitchboardNode, nsp = "/") => node.io.of(nsp).adapter as unknown as RedisAdapter;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
});

crossNodeSuite("Redis adapter, three nodes in one process", async () => {
  const nodes = [];
  for (let i = 0; i < 3; i++) {
    const node = await startNode(redis.url, { requestsTimeout: 1000 });
    nodes.push({ ...node, pendingRequests: () => adapterOf(node).pendingRequests });
  }
  return nodes;
});

describe("Redis adapter requests", () => {
  let nodes: SwitchboardNode[];
  let clients: ClientSocket[];

  beforeEach(async () => {
    nodes = [];
    for (let i = 0; i < 3; i++) nodes.push(await startNode(redis.url, { requestsTimeout: 1000 }));
    for (const [i, node] of nodes.entries()) node.io.on("connection", (socket) => void socket.join([`node-${i}`, i < 2 ? "shared" : "other"]));
    await waitForNodes(nodes[0].io, 3);
    clients = [];
    for (const node of nodes) clients.push(await connectClient(node.url));
  });

  afterEach(async () => {
    for (const c of clients) c.disconnect();
    await Promise.all(nodes.map((n) => n.close()));
  });

  it("lists the rooms of every node", async () => {
    const rooms = await adapterOf(nodes[1]).allRooms();
    for (const r of ["node-0", "node-1", "node-2", "shared", "other"]) expect(rooms.has(r)).toBe(true);
    nodes[1].io.in("shared").socketsJoin("vip");
    await waitFor(() => nodes[0].io.of("/").adapter.rooms.has("vip"), 3000, "socketsJoin");
    expect(await adapterOf(nodes[2]).allRooms()).toContain("vip");
  });

  it("fails a request with a timeout error when a node does not answer, leaving nothing behind", async () => {
    nodes[2].io.on("question", () => {
      /* never answers */
    });
    nodes[1].io.on("question", (_q: string, cb: (a: string) => void) => cb("ok"));
    await expect(nodes[0].io.serverSideEmitWithAck("question", "q")).rejects.toThrow(/timeout reached: only 1 responses received out of 2/);
    expect(adapterOf(nodes[0]).pendingRequests).toBe(0);

    // A node that stops answering requests (its sub connection stays subscribed but it is silent).
    // The node still receives requests but sends no answer.
    const silent = adapterOf(nodes[2]) as unknown as { answering: { respond(): void; publishResponse(): void } };
    silent.answering = { respond: () => undefined, publishResponse: () => undefined };
    await expect(nodes[0].io.fetchSockets()).rejects.toMatchObject({ code: "REDIS_REQUEST_TIMEOUT" });
    await expect(adapterOf(nodes[0]).allRooms()).rejects.toThrow(/timeout reached while waiting for allRooms/);
    expect(adapterOf(nodes[0]).pendingRequests).toBe(0);
  });
});
