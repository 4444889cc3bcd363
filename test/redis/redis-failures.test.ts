import { Redis } from "ioredis";
import { Server } from "@switchboard/server";
import { ClusterAdapterError, createAdapter, type RedisAdapter } from "@switchboard/redis-adapter";
import { closeServer, eventually, listen, waitFor } from "../support/index.js";
import { connectClient, record, startNode, waitForNodes } from "./cluster-nodes.js";
import { startRedis, type RedisServer } from "./redis-server.js";

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
});

describe("Redis adapter failures", () => {
  it("reports a dropped Redis as an adapter error, fails requests with a timeout, and recovers", async () => {
    const a = await startNode(redis.url, { requestsTimeout: 500 });
    const b = await startNode(redis.url, { requestsTimeout: 500 });
    const adapterErrors: Error[] = [];
    a.io.of("/").adapter.on("error", (err: Error) => adapterErrors.push(err));
    await waitForNodes(a.io, 2);
    const client = await connectClient(b.url);
    const got = record(client, "after");

    await redis.kill();
    await waitFor(() => adapterErrors.length > 0, 5000, "an adapter error");
    // Redis is gone: the request cannot reach anyone, and must not hang.
    await expect(a.io.fetchSockets()).rejects.toBeInstanceOf(ClusterAdapterError);
    await expect(a.io.serverSideEmitWithAck("q")).rejects.toMatchObject({ code: "CLUSTER_UNREACHABLE" });
    expect((a.io.of("/").adapter as unknown as RedisAdapter).pendingRequests).toBe(0);

    await redis.restart();
    // Counting fails until a's connections are back and resubscribed.
    await eventually(
      async () =>
        (await a.io
          .of("/")
          .adapter.serverCount()
          .catch(() => 0)) === 2,
      10_000,
      "2 nodes",
    );
    // Broadcasts flow again once both clients have resubscribed.
    await waitFor(
      () => {
        a.io.emit("after", "back");
        return got.length > 0;
      },
      10_000,
      "a broadcast after the restart",
    );
    expect(got[0]).toEqual(["back"]);
    client.disconnect();
    await Promise.all([a.close(), b.close()]);
  }, 30_000);

  it("removes its client listeners and subscriptions on close", async () => {
    const a = await startNode(redis.url);
    const b = await startNode(redis.url);
    await waitForNodes(a.io, 2);
    // The adapter of "/" holds one error listener on each client, and gives it back on close.
    const [pubBefore, subBefore] = [a.pub.listenerCount("error"), a.sub.listenerCount("error")];
    await a.io.close();
    expect(a.pub.listenerCount("error")).toBe(pubBefore - 1);
    expect(a.sub.listenerCount("error")).toBe(subBefore - 1);
    await waitForNodes(b.io, 1);
    await Promise.all([a.close(), b.close()]);
  });

  it("answers nothing and waits for no one when alone", async () => {
    const a = await startNode(redis.url, { requestsTimeout: 500 });
    await waitForNodes(a.io, 1);
    expect(await a.io.serverSideEmitWithAck("nobody")).toEqual([]);
    expect(await a.io.fetchSockets()).toEqual([]);
    await a.close();
  });

  it("works with ioredis clients too", async () => {
    const nodes = [];
    for (let i = 0; i < 2; i++) {
      const pub = new Redis(redis.port, "127.0.0.1", { lazyConnect: true });
      const sub = pub.duplicate();
      await Promise.all([pub.connect(), sub.connect()]);
      const { server, url } = await listen();
      const io = new Server(server);
      io.adapter(createAdapter(pub, sub, { requestsTimeout: 1000 }));
      await (io.of("/").adapter as unknown as RedisAdapter).init();
      io.on("connection", (s) => void s.join("room"));
      io.on("q", (cb: (v: number) => void) => cb(i));
      nodes.push({ io, url, close: async () => (await io.close(), await closeServer(server), pub.disconnect(), sub.disconnect()) });
    }
    await waitForNodes(nodes[0].io, 2);
    const client = await connectClient(nodes[1].url);
    const got = record(client, "m");
    nodes[0].io.to("room").emit("m", Buffer.from([7]));
    await waitFor(() => got.length === 1, 5000, "ioredis broadcast");
    expect(Buffer.from(got[0][0] as ArrayBuffer)).toEqual(Buffer.from([7]));
    expect((await nodes[0].io.fetchSockets()).map((s) => s.id)).toEqual([client.id]);
    expect(await nodes[1].io.serverSideEmitWithAck("q")).toEqual([0]);
    client.disconnect();
    // Its node has seen the disconnection before the servers close.
    const home = nodes[1].io.of("/");
    await waitFor(() => home.sockets.size === 0, 5000, "the client's disconnection on its node");
    for (const n of nodes) await n.close();
  });
});
