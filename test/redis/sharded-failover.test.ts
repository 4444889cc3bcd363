import type { Socket as ClientSocket } from "socket.io-client";
import { eventually } from "../support/index.js";
import { connectClient } from "./cluster-nodes.js";
import { useRedisCluster } from "./redis-cluster.js";
import { LIBRARIES, startShardedNode, type ShardedNode } from "./sharded-nodes.js";

// A master of a real Redis Cluster (three masters, three replicas) fails over to its replica (on
// request, or because it crashed) while two Switchboard nodes broadcast through it: the adapter
// carries on with the promoted master.
const cluster = useRedisCluster({ replicas: 1 });

describe.each(LIBRARIES)("sharded adapter through a failover (%s)", (library) => {
  let nodes: ShardedNode[];
  let clients: ClientSocket[];

  beforeEach(async () => {
    nodes = [
      await startShardedNode(cluster(), library, { subscriptionMode: "dynamic" }),
      await startShardedNode(cluster(), library, { subscriptionMode: "dynamic" }),
    ];
    for (const node of nodes) {
      node.io.on("connection", (socket) => void socket.join("room"));
      node.io.on("question", (cb: (answer: string) => void) => cb("answer"));
    }
    await eventually(async () => (await nodes[0].adapter().serverCount()) === 2, 5000, "two nodes");
    clients = [await connectClient(nodes[0].url), await connectClient(nodes[1].url)];
    await Promise.all(nodes.map((n) => n.settled()));
  });

  afterEach(async () => {
    for (const c of clients) c.disconnect();
    await Promise.all(nodes.map((n) => n.close()));
  });

  /** Broadcasts numbered messages from `node` until each client got one sent after `from` (or the deadline). */
  async function deliveredAfter(send: (n: number) => void, event: string, from: number): Promise<void> {
    const got = clients.map(() => -1);
    clients.forEach((c, i) => c.on(event, (n: number) => (got[i] = Math.max(got[i], n))));
    let n = from;
    try {
      await eventually(
        () => {
          send(++n);
          return Promise.resolve(got.every((m) => m > from));
        },
        15_000,
        `${event} broadcasts after the failover`,
      );
    } finally {
      for (const c of clients) c.off(event);
    }
  }

  it("keeps broadcasting and answering requests after the shard of the namespace's channel fails over", async () => {
    const channel = nodes[0].adapter().channel;
    // Traffic during the failover: a broadcast to everyone and one to the room every 10 ms.
    let sent = 0;
    const traffic = setInterval(() => {
      sent++;
      nodes[0].io.emit("all", sent);
      nodes[1].io.to("room").emit("room", sent);
    }, 10);
    try {
      const before = await cluster().masterOf(channel);
      const after = await cluster().failover(channel);
      expect(after.port).not.toBe(before.port);
    } finally {
      clearInterval(traffic);
    }
    const mark = sent + 1000;
    await deliveredAfter((n) => nodes[0].io.emit("all", n), "all", mark);
    await deliveredAfter((n) => nodes[1].io.to("room").emit("room", n), "room", mark);
    await eventually(
      async () => {
        const [answers, sockets] = await Promise.all([nodes[0].io.serverSideEmitWithAck("question"), nodes[1].io.fetchSockets()]).catch(() => [[], []]);
        return answers.length === 1 && sockets.length === 2;
      },
      15_000,
      "requests answered after the failover",
    );
  }, 40_000);

  it("listens again when Redis drops the subscriptions to a shard while the slot map stays the same", async () => {
    // A failover drops them too, and the client may then read a slot map from before the switch.
    await cluster().dropShardChannels(nodes[0].adapter().channel);
    await deliveredAfter((n) => nodes[0].io.emit("all", n), "all", 0);
    await deliveredAfter((n) => nodes[1].io.emit("all", n), "all", 1_000_000);
  }, 40_000);

  it("keeps broadcasting after the master serving a room's channel crashes and its replica takes over", async () => {
    const channel = `${nodes[0].adapter().channel}room#`;
    let sent = 0;
    const traffic = setInterval(() => nodes[0].io.to("room").emit("room", ++sent), 10);
    let crashed;
    try {
      ({ crashed } = await cluster().crashMasterOf(channel));
    } finally {
      clearInterval(traffic);
    }
    try {
      await deliveredAfter((n) => nodes[0].io.to("room").emit("room", n), "room", sent + 1000);
      await deliveredAfter((n) => nodes[1].io.emit("all", n), "all", sent + 1000);
    } finally {
      await cluster().restart(crashed);
    }
  }, 60_000);
});
