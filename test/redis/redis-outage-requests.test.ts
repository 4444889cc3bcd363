import type { Socket as ClientSocket } from "socket.io-client";
import type { RedisAdapter } from "@switchboard/redis-adapter";
import { eventually, once, startTcpProxy, waitFor, type TcpProxy } from "../support/index.js";
import { connectClient, startNode, type SwitchboardNode } from "./cluster-nodes.js";
import { startRedis, type RedisServer } from "./redis-server.js";

// A request of the pub/sub adapter that cannot reach every node through Redis fails with
// CLUSTER_UNREACHABLE; it never resolves with part of the cluster as if complete.

const unreachable = { code: "CLUSTER_UNREACHABLE" };
const pending = (node: SwitchboardNode) => (node.io.of("/").adapter as unknown as RedisAdapter).pendingRequests;
const ready = (node: SwitchboardNode) => node.pub.isReady && node.sub.isReady;
/** Redis counts `count` nodes, as seen from `node` (a count that fails counts as none). */
const counts = (node: SwitchboardNode, count: number) => async () =>
  (await node.io
    .of("/")
    .adapter.serverCount()
    .catch(() => 0)) === count;

describe("Redis adapter requests through an outage", () => {
  let redis: RedisServer;
  let proxy: TcpProxy | undefined;
  let nodes: SwitchboardNode[] = [];
  let clients: ClientSocket[] = [];

  beforeEach(async () => {
    redis = await startRedis();
  });

  afterEach(async () => {
    for (const client of clients) client.disconnect();
    proxy?.thaw();
    await Promise.all(nodes.map((node) => node.close()));
    await proxy?.close();
    await redis.stop();
    [nodes, clients, proxy] = [[], [], undefined];
  });

  /** Three nodes (the last one behind `viaProxy` when given), one client on each. */
  async function cluster(viaProxy?: TcpProxy): Promise<SwitchboardNode[]> {
    for (let i = 0; i < 3; i++) {
      const url = viaProxy && i === 2 ? `redis://127.0.0.1:${viaProxy.port}` : redis.url;
      const node = await startNode(url, { requestsTimeout: 1000 });
      node.io.on("q", (cb: (v: number) => void) => cb(i));
      nodes.push(node);
    }
    // Each node's count is what a later outage is compared with.
    for (const node of nodes) await eventually(counts(node, 3), 5000, "3 nodes");
    for (const node of nodes) clients.push(await connectClient(node.url));
    return nodes;
  }

  it("rejects every kind of request with CLUSTER_UNREACHABLE while Redis is down, and completes them once it is back", async () => {
    const [a] = await cluster();
    await redis.kill();
    await waitFor(() => !a.pub.isReady && !a.sub.isReady, 5000, "node a to see Redis go");

    await expect(a.io.fetchSockets()).rejects.toMatchObject(unreachable);
    await expect(a.io.serverSideEmitWithAck("q")).rejects.toMatchObject(unreachable);
    await expect(a.io.timeout(1000).emitWithAck("ping")).rejects.toMatchObject(unreachable);
    await expect(a.io.allSockets()).rejects.toMatchObject(unreachable);
    await expect(a.io.of("/").adapter.serverCount()).rejects.toMatchObject(unreachable);
    expect(pending(a)).toBe(0);

    await redis.restart();
    for (const node of nodes) await eventually(counts(node, 3), 10_000, "every node back");
    expect((await a.io.fetchSockets()).length).toBe(3);
    expect((await a.io.allSockets()).size).toBe(3);
    expect((await a.io.serverSideEmitWithAck("q")).sort()).toEqual([1, 2]);
    for (const client of clients) client.on("ping", (cb: (v: string) => void) => cb("pong"));
    expect(await a.io.timeout(1000).emitWithAck("ping")).toEqual(["pong", "pong", "pong"]);
    // A broadcast with acks listens for late acks until its timeout, then lets go.
    await waitFor(() => pending(a) === 0, 5000, "no pending request");
  }, 30_000);

  it("after a Redis restart, waits for the nodes that have not resubscribed and fails rather than answer for part of the cluster", async () => {
    proxy = await startTcpProxy(redis.port);
    const [a] = await cluster(proxy);
    // Node c's connections come back frozen: it cannot resubscribe until thawed.
    proxy.freeze();
    const back = [a.sub, a.pub, nodes[1].sub, nodes[1].pub].map((client) => once(client, "ready", 10_000));
    await redis.restart();
    await Promise.all(back);
    await waitFor(() => ready(a) && ready(nodes[1]), 10_000, "nodes a and b back");

    // Redis counts 2 nodes now; a knows 3 were there before the restart (and waits for c within
    // the grace period, requestsTimeout after its own reconnection).
    const fetched = expect(a.io.fetchSockets()).rejects.toMatchObject(unreachable);
    const emitted = expect(a.io.serverSideEmitWithAck("q")).rejects.toMatchObject(unreachable);
    await Promise.all([fetched, emitted]);
    expect(pending(a)).toBe(0);

    proxy.thaw();
    await eventually(counts(a, 3), 15_000, "node c resubscribed");
    expect((await a.io.fetchSockets()).map((s) => s.id).sort()).toEqual(clients.map((s) => s.id).sort());
    expect((await a.io.serverSideEmitWithAck("q")).sort()).toEqual([1, 2]);
  }, 40_000);
});
