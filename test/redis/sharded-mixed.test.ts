import { createServer } from "node:http";
import { Server as OfficialServer } from "socket.io";
import { createShardedAdapter as createOfficialShardedAdapter } from "@socket.io/redis-adapter";
import type { Socket as ClientSocket } from "socket.io-client";
import { closeServer, eventually, listen, waitFor } from "../support/index.js";
import { connectClient, record } from "./cluster-nodes.js";
import { useRedisCluster } from "./redis-cluster.js";
import { LIBRARIES, clusterClients, startShardedNode, type ClientPair, type ShardedNode } from "./sharded-nodes.js";

// One official socket.io node (with @socket.io/redis-adapter's sharded adapter) and one
// Switchboard node on one real Redis Cluster, in each subscription mode, with each client library.
const cluster = useRedisCluster();

const MODES = ["static", "dynamic", "dynamic-private"] as const;
const CASES = LIBRARIES.flatMap((library) => MODES.map((mode) => [library, mode] as const));

describe.each(CASES)("mixed cluster on Redis Cluster (%s, %s): official sharded adapter and Switchboard", (library, subscriptionMode) => {
  let ours: ShardedNode;
  let official: { io: OfficialServer; url: string; clients: ClientPair; close(): Promise<void> };
  let ourClient: ClientSocket;
  let theirClient: ClientSocket;

  beforeEach(async () => {
    ours = await startShardedNode(cluster(), library, { subscriptionMode });
    const clients = await clusterClients(cluster(), library);
    const { server, url } = await listen(createServer());
    const io = new OfficialServer(server);
    io.adapter(createOfficialShardedAdapter(clients.pub, clients.sub, { subscriptionMode }));
    official = {
      io,
      url,
      clients,
      close: async () => {
        await io.close();
        await closeServer(server);
        await clients.close();
      },
    };
    for (const [name, server] of [
      ["switchboard", ours.io],
      ["official", io],
    ] as const) {
      (server as OfficialServer).on("connection", (socket) => {
        socket.data = { on: name };
        void socket.join(["everyone", `on-${name}`]);
      });
      (server as OfficialServer).on("question", (q: string, cb: (a: string) => void) => cb(`${q}@${name}`));
    }
    await eventually(async () => (await ours.adapter().serverCount()) === 2 && (await io.of("/").adapter.serverCount()) === 2, 5000, "two nodes");
    ourClient = await connectClient(ours.url);
    theirClient = await connectClient(official.url);
    // The official adapter does not say when its SSUBSCRIBEs are answered: ask Redis.
    if (subscriptionMode !== "static") {
      await eventually(
        async () => (await cluster().shardNumSub(`socket.io#/#everyone#`)) === 2 && (await cluster().shardNumSub(`socket.io#/#on-official#`)) === 1,
        5000,
        "room channels",
      );
    }
    if (subscriptionMode === "dynamic-private")
      await eventually(async () => (await cluster().shardNumSub(`socket.io#/#${theirClient.id}#`)) === 1, 5000, "private channel");
    await ours.settled();
  });

  afterEach(async () => {
    ourClient.disconnect();
    theirClient.disconnect();
    await Promise.all([ours.close(), official.close()]);
  });

  it("broadcasts both ways: to all, to one room, to a socket id, with except", async () => {
    const onOurs = record(ourClient, "m");
    const onTheirs = record(theirClient, "m");
    ours.io.emit("m", "all from switchboard");
    official.io.emit("m", "all from official");
    ours.io.to("on-official").emit("m", "room from switchboard");
    official.io.to("on-switchboard").emit("m", "room from official");
    ours.io.to(theirClient.id!).emit("m", "id from switchboard");
    official.io.to(ourClient.id!).emit("m", "id from official");
    ours.io.to("everyone").except("on-switchboard").emit("m", "except from switchboard");
    official.io.to("everyone").except("on-official").emit("m", "except from official");
    ours.io.emit("m", Buffer.from([1, 2, 3]));
    await waitFor(() => onOurs.length === 6 && onTheirs.length === 6, 3000, "every broadcast");
    // A last broadcast from each node: what either sent before on the namespace's channel is in.
    const fences = [record(ourClient, "fence"), record(theirClient, "fence")];
    ours.io.emit("fence");
    official.io.emit("fence");
    await waitFor(() => fences.every((f) => f.length === 2), 3000, "the fences");
    const texts = (seen: unknown[][]) => seen.map(([m]) => (typeof m === "string" ? m : [...new Uint8Array(m as ArrayBuffer)].join())).sort();
    expect(texts(onOurs)).toEqual(["1,2,3", "all from official", "all from switchboard", "except from official", "id from official", "room from official"]);
    expect(texts(onTheirs)).toEqual([
      "1,2,3",
      "all from official",
      "all from switchboard",
      "except from switchboard",
      "id from switchboard",
      "room from switchboard",
    ]);
  });

  it("answers each other's requests: fetchSockets, serverSideEmit with acks, broadcasts with acks, socketsJoin", async () => {
    const fromOurs = await ours.io.fetchSockets();
    expect(fromOurs.map((s) => s.id).sort()).toEqual([ourClient.id, theirClient.id].sort());
    expect(fromOurs.find((s) => s.id === theirClient.id)?.data).toEqual({ on: "official" });
    const fromTheirs = await official.io.in("on-switchboard").fetchSockets();
    expect(fromTheirs.map((s) => s.id)).toEqual([ourClient.id]);
    expect(fromTheirs[0].data).toEqual({ on: "switchboard" });

    expect(await ours.io.serverSideEmitWithAck("question", "q")).toEqual(["q@official"]);
    expect(await official.io.serverSideEmitWithAck("question", "q")).toEqual(["q@switchboard"]);

    for (const c of [ourClient, theirClient]) c.on("ping", (cb: (id: string) => void) => cb(c.id!));
    expect(((await ours.io.timeout(2000).emitWithAck("ping")) as string[]).sort()).toEqual([ourClient.id, theirClient.id].sort());
    // Short: the official adapter keeps a timer of that length after a broadcast with acks.
    expect(((await official.io.timeout(1000).emitWithAck("ping")) as string[]).sort()).toEqual([ourClient.id, theirClient.id].sort());

    ours.io.in("on-official").socketsJoin("joined-by-switchboard");
    official.io.in("on-switchboard").socketsJoin("joined-by-official");
    await waitFor(
      () => official.io.of("/").adapter.rooms.has("joined-by-switchboard") && ours.io.of("/").adapter.rooms.has("joined-by-official"),
      3000,
      "remote joins",
    );
  });
});
