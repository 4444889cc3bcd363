import type { Socket as ClientSocket } from "socket.io-client";
import { eventually, waitFor } from "../support/index.js";
import { connectClient, record } from "./cluster-nodes.js";
import { useRedisCluster } from "./redis-cluster.js";
import { LIBRARIES, clusterClients, startShardedNode, type NodeRedisCluster, type ShardedNode } from "./sharded-nodes.js";

// Which shard channels the nodes listen to, as the Redis Cluster itself reports them
// (PUBSUB SHARDCHANNELS / SHARDNUMSUB on every server), for each subscription mode.
const cluster = useRedisCluster();

/** Every shard channel of namespace "/" with subscribers, over the whole cluster. */
async function channels(): Promise<string[]> {
  const all = await Promise.all(cluster().servers.map((s) => cluster().shardChannels(s.port, "socket.io#/#*")));
  return all.flat().sort();
}

const room = (name: string) => `socket.io#/#${name}#`;

describe.each(LIBRARIES)("sharded adapter subscriptions (%s)", (library) => {
  let nodes: ShardedNode[];
  let clients: ClientSocket[];

  async function start(subscriptionMode: "static" | "dynamic" | "dynamic-private"): Promise<void> {
    nodes = [await startShardedNode(cluster(), library, { subscriptionMode }), await startShardedNode(cluster(), library, { subscriptionMode })];
    for (const node of nodes) {
      node.io.on("connection", (socket) => {
        socket.on("join", async (name: string, done: () => void) => {
          await socket.join(name);
          done();
        });
        socket.on("leave", async (name: string, done: () => void) => {
          await socket.leave(name);
          done();
        });
      });
    }
    clients = [await connectClient(nodes[0].url), await connectClient(nodes[1].url)];
  }

  afterEach(async () => {
    for (const c of clients) c.disconnect();
    await Promise.all(nodes.map((n) => n.close()));
    // Nothing left behind by the closed nodes.
    await eventually(async () => (await channels()).length === 0, 5000, "every channel unsubscribed");
  });

  const base = () => [
    nodes[0].adapter().channel,
    `${nodes[0].adapter().channel}${nodes[0].adapter().uid}#`,
    `${nodes[1].adapter().channel}${nodes[1].adapter().uid}#`,
  ];

  it("dynamic: a node listens to the rooms with a local member only, and stops with the last one", async () => {
    await start("dynamic");
    await clients[0].emitWithAck("join", "only-a");
    await clients[1].emitWithAck("join", "only-b");
    await clients[0].emitWithAck("join", "both");
    await clients[1].emitWithAck("join", "both");
    // The socket-id rooms stay on the namespace's channel in this mode.
    expect(await channels()).toEqual([...base(), room("only-a"), room("only-b"), room("both")].sort());
    expect(await cluster().shardNumSub(room("only-a"))).toBe(1);
    expect(await cluster().shardNumSub(room("both"))).toBe(2);
    expect(await cluster().shardNumSub(nodes[0].adapter().channel)).toBe(2);

    // Published on the room's channel by a node that does not listen to it, heard by the one that does.
    const got = record(clients[0], "m");
    const other = record(clients[1], "m");
    nodes[1].io.to("only-a").emit("m", "to a");
    nodes[0].io.to(clients[1].id!).emit("m", "to b by id");
    await waitFor(() => got.length === 1 && other.length === 1, 3000, "room and private broadcasts");
    expect(got).toEqual([["to a"]]);

    await clients[0].emitWithAck("leave", "only-a");
    await clients[0].emitWithAck("leave", "both");
    await eventually(async () => !(await channels()).includes(room("only-a")) && (await cluster().shardNumSub(room("both"))) === 1, 3000, "unsubscribed");

    // A remote leave and a disconnection unsubscribe too.
    nodes[0].io.in("only-b").socketsLeave("only-b");
    clients[1].disconnect();
    await eventually(async () => (await channels()).join() === base().sort().join(), 3000, "back to the namespace's channels");
  });

  it("dynamic: a plain broadcast to one room travels on the room's channel, others on the namespace's", async () => {
    await start("dynamic");
    await clients[0].emitWithAck("join", "r");
    const probe = await clusterClients(cluster(), "redis");
    const seen: Array<[string, unknown]> = [];
    try {
      const sub = probe.sub as NodeRedisCluster;
      for (const channel of [nodes[0].adapter().channel, room("r")]) {
        await sub.sSubscribe(
          channel,
          (message: Buffer, name: Buffer) => {
            const decoded = JSON.parse(message.toString()) as { type: number; data?: { packet?: { data?: unknown[] } } };
            if (decoded.type === 3) seen.push([name.toString(), decoded.data?.packet?.data?.[1]]);
          },
          true,
        );
      }
      const got = record(clients[0], "m");
      nodes[1].io.to("r").emit("m", "room");
      nodes[1].io.to(["r", "s"]).emit("m", "two rooms");
      nodes[1].io.emit("m", "everyone");
      // (A probe on the namespace's channel counts as a node: requests would wait for its answer.)
      await waitFor(() => got.length === 3 && seen.length === 3, 3000, "the broadcasts");
      // Different channels may live on different shards: no order between them.
      expect(seen.sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([
        [nodes[0].adapter().channel, "everyone"],
        [room("r"), "room"],
        [nodes[0].adapter().channel, "two rooms"],
      ]);
    } finally {
      await probe.close();
    }
  });

  it("dynamic-private: socket-id rooms get their own channel while their socket is connected", async () => {
    await start("dynamic-private");
    const ids = clients.map((c) => c.id!);
    await Promise.all(nodes.map((node) => node.settled()));
    await eventually(async () => (await channels()).join() === [...base(), ...ids.map(room)].sort().join(), 3000, "private channels");
    const got = record(clients[1], "m");
    nodes[0].io.to(ids[1]).emit("m", "private");
    await waitFor(() => got.length === 1, 3000, "private broadcast");
    clients[1].disconnect();
    await eventually(async () => !(await channels()).includes(room(ids[1])), 3000, "private channel gone");
  });

  it("static: two channels per node whatever the rooms", async () => {
    await start("static");
    await clients[0].emitWithAck("join", "some-room");
    const got = record(clients[0], "m");
    nodes[1].io.to("some-room").emit("m", 1);
    await waitFor(() => got.length === 1, 3000, "room broadcast");
    expect(await channels()).toEqual(base().sort());
  });
});
