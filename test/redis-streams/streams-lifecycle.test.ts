import { Server } from "@switchboard/server";
import { createAdapter, type RedisStreamsAdapter } from "@switchboard/redis-streams-adapter";
import { closeServer, eventually, listen, waitFor } from "../support/index.js";
import { connectClient } from "../redis/cluster-nodes.js";
import { startRedis, type RedisServer } from "../redis/redis-server.js";
import { nodeRedisClient, startStreamsNode } from "./streams-nodes.js";

let redis: RedisServer;
let observer: Awaited<ReturnType<typeof nodeRedisClient>>;

beforeAll(async () => {
  redis = await startRedis();
  observer = await nodeRedisClient(redis.url);
});

afterAll(async () => {
  observer.destroy();
  await redis?.stop();
});

const connections = async () =>
  String(await observer.sendCommand(["CLIENT", "LIST"]))
    .trim()
    .split("\n").length;

describe("Redis Streams adapter lifecycle", () => {
  it("opens its connections with the first namespace, shares them, and close() gives back everything", async () => {
    const before = await connections();
    const client = await nodeRedisClient(redis.url);
    const errorListeners = client.listenerCount("error");
    const { server, url } = await listen();
    const io = new Server(server, { connectionStateRecovery: { maxDisconnectionDuration: 10_000 } });
    io.adapter(createAdapter(client, { heartbeatInterval: 200, heartbeatTimeout: 1000 }));
    const adapter = (nsp: string) => io.of(nsp).adapter as unknown as RedisStreamsAdapter;
    await adapter("/").init();
    await adapter("/chat").init();
    // The application's client, one for pub/sub, one reading the stream: for every namespace.
    expect(await connections()).toBe(before + 3);
    const socket = await connectClient(url);
    await waitFor(() => adapter("/").sessionCounts.kept === 1, 5000, "the session kept");

    await io.close();
    await closeServer(server);
    socket.disconnect();
    expect(adapter("/").pendingRequests).toBe(0);
    expect(adapter("/").sessionCounts).toEqual({ kept: 0, held: 0 });
    expect(client.listenerCount("error")).toBe(errorListeners);
    await eventually(async () => (await connections()) === before + 1, 5000, "the adapter's connections closed");
    // The socket was closed by the server's shutdown: its session is kept for a recovery elsewhere.
    expect(Number(await observer.sendCommand(["DBSIZE"]))).toBeGreaterThanOrEqual(1);
    client.destroy();
  });

  it("is forgotten by its peers at once when it closes cleanly, and counted again when it comes back", async () => {
    const opts = { adapter: { heartbeatInterval: 200, heartbeatTimeout: 60_000 } };
    const a = await startStreamsNode(redis.port, opts);
    const b = await startStreamsNode(redis.port, opts);
    await waitFor(() => a.adapter().liveNodes.length === 1, 5000, "a knows b");
    await b.close();
    // A goodbye, not a heartbeat timeout (a minute here).
    await waitFor(() => a.adapter().liveNodes.length === 0, 2000, "a forgets b");
    expect(await a.io.of("/").adapter.serverCount()).toBe(1);
    const c = await startStreamsNode(redis.port, opts);
    await waitFor(() => a.adapter().liveNodes.length === 1, 5000, "a knows c");
    expect(await a.io.of("/").adapter.serverCount()).toBe(2);
    await Promise.all([a.close(), c.close()]);
  });

  it("spreads namespaces over streamCount streams, each read by every node", async () => {
    const opts = { adapter: { streamCount: 3 } };
    const nodes = [await startStreamsNode(redis.port, opts), await startStreamsNode(redis.port, opts)];
    const names = ["/", "/orders-europe", "/chat"];
    const got: unknown[][] = [];
    const clients = [];
    for (const nsp of names) {
      for (const node of nodes) await (node.io.of(nsp).adapter as unknown as RedisStreamsAdapter).init();
      const client = await connectClient(nodes[1].url, {}, nsp);
      client.on("m", (value: unknown) => got.push([nsp, value]));
      clients.push(client);
    }
    expect(names.map((nsp) => nodes[0].adapter(nsp).streamName)).toEqual(["socket.io-2", "socket.io--1", "socket.io-1"]);
    for (const nsp of names) nodes[0].io.of(nsp).emit("m", nsp);
    await waitFor(() => got.length === 3, 5000, "a broadcast in every namespace");
    expect(got.sort()).toEqual(names.map((nsp) => [nsp, nsp]).sort());
    for (const client of clients) client.disconnect();
    await Promise.all(nodes.map((n) => n.close()));
  });

  it("refuses a wrong option at once, naming it", () => {
    const client = { sendCommand: () => Promise.resolve(null), pSubscribe: () => undefined } as never;
    expect(() => createAdapter(client, { maxLen: -5 })).toThrow(/maxLen/);
    expect(() => createAdapter(client, { useShardedPubSub: true })).toThrow(/useShardedPubSub/);
    expect(() => createAdapter(client, { heartbeatInterval: 1000, heartbeatTimeout: 500 })).toThrow(
      /heartbeatTimeout \(500\) must be longer than heartbeatInterval/,
    );
    expect(() => createAdapter(client, { requestsTimeout: 0 })).toThrow(/requestsTimeout/);
    expect(() => createAdapter({} as never)).toThrow(/redisClient/);
  });
});
