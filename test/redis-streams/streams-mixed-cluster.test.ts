import type { Socket as ClientSocket } from "socket.io-client";
import { Emitter } from "@switchboard/redis-streams-adapter";
import { waitFor } from "../support/index.js";
import { connectClient, record, waitForNodes } from "../redis/cluster-nodes.js";
import { crossNodeSuite, type ClusterNode } from "../redis/cross-node-suite.js";
import { startRedis, type RedisServer } from "../redis/redis-server.js";
import { nodeRedisClient, startOfficialNode, startStreamsNode } from "./streams-nodes.js";

// socket.io 4.8 with @socket.io/redis-streams-adapter 0.3.1 and Switchboard nodes on one Redis,
// and the Switchboard emitter: the cross-node suite, whichever node asks.
let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
});

crossNodeSuite("mixed cluster: an official node first, two Switchboard nodes", async () => [
  await startOfficialNode(redis.port),
  await startStreamsNode(redis.port, { adapter: { requestsTimeout: 2000 } }),
  await startStreamsNode(redis.port, { library: "ioredis", adapter: { requestsTimeout: 2000 } }),
]);

crossNodeSuite("mixed cluster: Switchboard, official, Switchboard", async () => [
  await startStreamsNode(redis.port, { adapter: { requestsTimeout: 2000 } }),
  await startOfficialNode(redis.port),
  await startStreamsNode(redis.port, { adapter: { requestsTimeout: 2000 } }),
]);

describe("the Switchboard emitter in a mixed cluster", () => {
  let nodes: ClusterNode[];
  let clients: ClientSocket[];
  let emitterClient: Awaited<ReturnType<typeof nodeRedisClient>>;
  let emitter: Emitter;

  beforeEach(async () => {
    nodes = [await startOfficialNode(redis.port), await startStreamsNode(redis.port)];
    for (const [i, node] of nodes.entries()) {
      node.io.on("connection", (socket) => void socket.join(["everyone", `on-${i}`]));
    }
    await waitForNodes(nodes[1].io, 2);
    clients = [];
    for (const node of nodes) clients.push(await connectClient(node.url));
    emitterClient = await nodeRedisClient(redis.url);
    emitter = new Emitter(emitterClient);
  });

  /** A last message of the emitter: once both clients have it, nothing it sent before is on its way. */
  async function fence(): Promise<void> {
    const seen = clients.map(() => false);
    clients.forEach((c, i) => c.once("fence", () => (seen[i] = true)));
    emitter.emit("fence");
    await waitFor(() => seen.every(Boolean), 5000, "the emitter's fence");
  }

  afterEach(async () => {
    emitter.close();
    for (const c of clients) c.disconnect();
    await Promise.all(nodes.map((n) => n.close()));
    emitterClient.destroy();
  });

  it("broadcasts to everyone, to rooms, except rooms, volatile and binary, on both kinds of node", async () => {
    const got = clients.map((c) => record(c, "e"));
    emitter.emit("e", "all", new Uint8Array([9, 8]));
    emitter.to("on-1").emit("e", "room of node 1");
    emitter.to("everyone").except("on-1").emit("e", "all but node 1");
    emitter.compress(false).to(["on-0", "on-1"]).emit("e", "both rooms");
    await emitter.flush();
    expect(emitter.pendingPublishes).toBe(0);
    await waitFor(() => got[0].length === 3 && got[1].length === 3, 5000, "emitter broadcasts");
    // Alone: a volatile packet is dropped when it meets a transport busy with an earlier one.
    emitter.volatile.emit("e", "volatile");
    await waitFor(() => got[0].length === 4 && got[1].length === 4, 5000, "the volatile broadcast");
    await fence();
    expect(got.map((g) => g.map((args) => args[0]))).toEqual([
      ["all", "all but node 1", "both rooms", "volatile"],
      ["all", "room of node 1", "both rooms", "volatile"],
    ]);
    for (const g of got) expect(Buffer.from(g[0][1] as ArrayBuffer)).toEqual(Buffer.from([9, 8]));
  });

  it("joins, leaves and disconnects sockets, and emits server-side", async () => {
    emitter.in("everyone").socketsJoin("joined");
    await waitFor(() => nodes.every((n) => n.io.of("/").adapter.rooms.has("joined")), 5000, "emitter socketsJoin");
    emitter.socketsLeave("joined");
    await waitFor(() => nodes.every((n) => !n.io.of("/").adapter.rooms.has("joined")), 5000, "emitter socketsLeave");

    const heard: unknown[][] = [[], []];
    nodes.forEach((node, i) => node.io.on("from-emitter", (...args: unknown[]) => heard[i].push(args)));
    emitter.serverSideEmit("from-emitter", 1, { two: 2 });
    await waitFor(() => heard.every((h) => h.length === 1), 5000, "emitter serverSideEmit");
    expect(heard).toEqual([[[1, { two: 2 }]], [[1, { two: 2 }]]]);

    const gone = clients.map((c) => new Promise((r) => c.once("disconnect", r)));
    emitter.except("on-0").disconnectSockets(true);
    expect(await gone[1]).toBe("io server disconnect");
    expect(clients[0].connected).toBe(true);
  });

  it("reaches another namespace through of(), and refuses what it cannot do", async () => {
    for (const node of nodes) node.io.of("/admin");
    await waitForNodes(nodes[1].io, 2, "/admin");
    const admin = await connectClient(nodes[1].url, {}, "/admin");
    const onAdmin = record(admin, "n");
    const onMain = clients.map((c) => record(c, "n"));
    emitter.of("/admin").emit("n", "admin only");
    await waitFor(() => onAdmin.length === 1, 5000, "namespace broadcast");
    await fence();
    expect(onMain.every((g) => g.length === 0)).toBe(true);
    admin.disconnect();

    expect(() => emitter.emit("disconnect")).toThrow(/reserved/);
    expect(() => (emitter.emit as (ev: string, ...a: unknown[]) => boolean)("q", () => undefined)).toThrow(/acknowledgements/);
    expect(() => emitter.serverSideEmit("q", () => undefined)).toThrow(/acknowledgements/);
  });
});
