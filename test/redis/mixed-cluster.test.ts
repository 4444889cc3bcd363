import { createServer } from "node:http";
import { Server as OfficialServer } from "socket.io";
import { createAdapter as createOfficialAdapter } from "@socket.io/redis-adapter";
import { Emitter } from "@socket.io/redis-emitter";
import type { Socket as ClientSocket } from "socket.io-client";
import { jest } from "@jest/globals";
import { closeServer, listen, waitFor } from "../support/index.js";
import { fakeTimeouts, settleWithFakeTimeouts } from "../support/fake-timeouts.js";
import {
  clientErrors,
  connectClient,
  quitClient,
  record,
  redisClient,
  redisClients,
  startNode,
  waitForNodes,
  type RedisNodeClient,
  type SwitchboardNode,
} from "./cluster-nodes.js";
import { startRedis, type RedisServer } from "./redis-server.js";

// One official socket.io node (with @socket.io/redis-adapter) and one Switchboard node on one
// Redis; @socket.io/redis-emitter publishes from outside.
let redis: RedisServer;
let ours: SwitchboardNode;
let official: { io: OfficialServer; url: string; pub: RedisNodeClient; sub: RedisNodeClient; close(): Promise<void> };
let ourClient: ClientSocket;
let theirClient: ClientSocket;
let emitterClient: RedisNodeClient;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  expect(clientErrors).toEqual([]);
  await redis?.stop();
});

beforeEach(async () => {
  ours = await startNode(redis.url, { requestsTimeout: 2000 });
  const [pub, sub] = await redisClients(redis.url);
  const { server, url } = await listen(createServer());
  const io = new OfficialServer(server);
  io.adapter(createOfficialAdapter(pub, sub, { requestsTimeout: 2000 }));
  official = {
    io,
    url,
    pub,
    sub,
    close: async () => {
      await io.close();
      await closeServer(server);
      await Promise.all([quitClient(pub), quitClient(sub)]);
    },
  };
  for (const [name, server] of [
    ["switchboard", ours.io],
    ["official", io],
  ] as const) {
    (server as OfficialServer).on("connection", (socket) => {
      socket.data = { on: name };
      void socket.join(["everyone", `on-${name}`]);
      socket.on("join", (room: string) => void socket.join(room));
    });
    (server as OfficialServer).on("question", (q: string, cb: (a: string) => void) => cb(`${q}@${name}`));
  }
  await waitForNodes(ours.io, 2);
  ourClient = await connectClient(ours.url);
  theirClient = await connectClient(official.url);
  emitterClient = await redisClient(redis.url);
});

afterEach(async () => {
  ourClient.disconnect();
  theirClient.disconnect();
  await quitClient(emitterClient);
  await Promise.all([ours.close(), official.close()]);
});

/**
 * Waits until every broadcast both nodes sent before has reached every client it was going to reach:
 * a request round trip through Redis from each node (its subscriber has then read whatever it
 * published before, its own echo included), then a broadcast from each that both clients receive.
 * A doubled or misrouted message would have come on the same ordered paths before it.
 */
async function settled(): Promise<void> {
  const fences = [record(ourClient, "fence"), record(theirClient, "fence")];
  expect(await ours.io.serverSideEmitWithAck("question", "sync")).toEqual(["sync@official"]);
  expect(await official.io.serverSideEmitWithAck("question", "sync")).toEqual(["sync@switchboard"]);
  ours.io.emit("fence");
  official.io.emit("fence");
  await waitFor(() => fences.every((f) => f.length === 2), 5000, "both fences on both clients");
}

describe("mixed cluster: official socket.io + @socket.io/redis-adapter and Switchboard", () => {
  it("broadcasts both ways, to everyone and to rooms", async () => {
    const onOurs = record(ourClient, "m");
    const onTheirs = record(theirClient, "m");
    ours.io.emit("m", "from switchboard", Buffer.from([1, 2]));
    official.io.emit("m", "from official", { nested: [1, 2, 3] });
    ours.io.to("on-official").emit("m", "sb to official room");
    official.io.to("on-switchboard").except("nobody").emit("m", "official to sb room");
    await waitFor(() => onOurs.length === 3 && onTheirs.length === 3, 5000, "both sides");
    await settled();
    expect(onOurs.map((a) => a[0]).sort()).toEqual(["from official", "from switchboard", "official to sb room"]);
    expect(onTheirs.map((a) => a[0]).sort()).toEqual(["from official", "from switchboard", "sb to official room"]);
    const binary = onTheirs.find((a) => a[0] === "from switchboard")!;
    expect(Buffer.from(binary[1] as ArrayBuffer)).toEqual(Buffer.from([1, 2]));
    expect(onOurs.find((a) => a[0] === "from official")![1]).toEqual({ nested: [1, 2, 3] });
  });

  it("collects acks across both kinds of node", async () => {
    ourClient.on("ack", (cb: (v: string) => void) => cb("ours"));
    theirClient.on("ack", (cb: (v: string) => void) => cb("theirs"));
    expect(((await ours.io.timeout(3000).emitWithAck("ack")) as string[]).sort()).toEqual(["ours", "theirs"]);
    // The official adapter keeps a timer of the ack timeout that its close() does not clear: it runs
    // out on a fake clock (so neither it nor the timeout itself depends on this machine's speed).
    fakeTimeouts();
    try {
      const acks = await settleWithFakeTimeouts(official.io.timeout(800).emitWithAck("ack") as Promise<string[]>);
      expect(acks.sort()).toEqual(["ours", "theirs"]);
      jest.advanceTimersByTime(800);
    } finally {
      jest.useRealTimers();
    }
  });

  it("fetches sockets and acts on remote sockets both ways", async () => {
    const fromOurs = await ours.io.fetchSockets();
    expect(fromOurs.map((s) => s.id).sort()).toEqual([ourClient.id, theirClient.id].sort());
    const theirs = fromOurs.find((s) => s.id === theirClient.id)!;
    expect(theirs.data).toEqual({ on: "official" });
    const fromOfficial = await official.io.fetchSockets();
    const mine = fromOfficial.find((s) => s.id === ourClient.id)!;
    expect(mine.data).toEqual({ on: "switchboard" });
    expect(mine.rooms.has("on-switchboard")).toBe(true);

    const direct = record(ourClient, "direct");
    mine.emit("direct", "official -> sb socket");
    const theirDirect = record(theirClient, "direct");
    theirs.emit("direct", "sb -> official socket");
    await waitFor(() => direct.length === 1 && theirDirect.length === 1, 5000, "remote emits");

    await theirs.join("joined-by-sb");
    mine.join("joined-by-official");
    await waitFor(() => official.io.of("/").adapter.rooms.has("joined-by-sb") && ours.io.of("/").adapter.rooms.has("joined-by-official"), 5000, "remote joins");
    ours.io.in("everyone").socketsLeave("joined-by-sb");
    await waitFor(() => !official.io.of("/").adapter.rooms.has("joined-by-sb"), 5000, "socketsLeave");

    const gone = new Promise((r) => ourClient.once("disconnect", r));
    official.io.in("on-switchboard").disconnectSockets();
    expect(await gone).toBe("io server disconnect");
  });

  it("spans serverSideEmit with acks both ways", async () => {
    expect(await ours.io.serverSideEmitWithAck("question", "q1")).toEqual(["q1@official"]);
    expect(await official.io.serverSideEmitWithAck("question", "q2")).toEqual(["q2@switchboard"]);
    const heard: unknown[] = [];
    ours.io.on("plain", (...args: unknown[]) => heard.push(args));
    official.io.serverSideEmit("plain", 1, "two");
    await waitFor(() => heard.length === 1, 5000, "plain serverSideEmit");
    expect(heard).toEqual([[1, "two"]]);
  });

  it("lets @socket.io/redis-emitter reach Switchboard clients", async () => {
    const emitter = new Emitter(emitterClient);
    const got = record(ourClient, "from-emitter");
    emitter.emit("from-emitter", "all", new Uint8Array([9, 8]));
    emitter.to("on-switchboard").emit("from-emitter", "room");
    emitter.to("on-official").emit("from-emitter", "not for us");
    emitter.except("on-switchboard").emit("from-emitter", "not for us either");
    // A volatile packet is dropped while the connection is still writing (as socket.io does):
    // it is sent once the others are in.
    await waitFor(() => got.length === 2, 5000, "emitter broadcasts");
    emitter.volatile.emit("from-emitter", "volatile");
    await waitFor(() => got.length === 3, 5000, "the volatile broadcast");
    // The emitter's publications reach the node in order: the ones not for us, or a repeat, would come before this one.
    const fence = record(ourClient, "fence");
    emitter.emit("fence");
    await waitFor(() => fence.length === 1, 5000, "the emitter's fence");
    expect(got.map((a) => a[0]).sort()).toEqual(["all", "room", "volatile"]);
    expect(Buffer.from(got.find((a) => a[0] === "all")![1] as ArrayBuffer)).toEqual(Buffer.from([9, 8]));

    emitter.in("on-switchboard").socketsJoin("emitted-room");
    await waitFor(() => ours.io.of("/").adapter.rooms.has("emitted-room"), 5000, "emitter socketsJoin");
    emitter.in("emitted-room").socketsLeave("emitted-room");
    await waitFor(() => !ours.io.of("/").adapter.rooms.has("emitted-room"), 5000, "emitter socketsLeave");

    const heard: unknown[] = [];
    ours.io.on("emitter-says", (...args: unknown[]) => heard.push(args));
    emitter.serverSideEmit("emitter-says", "hi");
    await waitFor(() => heard.length === 1, 5000, "emitter serverSideEmit");

    const gone = new Promise((r) => ourClient.once("disconnect", r));
    emitter.in("on-switchboard").disconnectSockets(true);
    expect(await gone).toBe("io server disconnect");
  });

  it("reaches a Switchboard namespace through the emitter's of()", async () => {
    ours.io.of("/admin");
    await waitForNodes(ours.io, 1, "/admin");
    const admin = await connectClient(ours.url, {}, "/admin");
    const got = record(admin, "n");
    const main = record(ourClient, "n");
    new Emitter(emitterClient).of("/admin").emit("n", "admin only");
    await waitFor(() => got.length === 1, 5000, "namespace broadcast");
    // Published after the one to /admin on the same connection: a copy of that one on / would come first.
    new Emitter(emitterClient).emit("n", "main only");
    await waitFor(() => main.length > 0, 5000, "the broadcast to /");
    expect(main).toEqual([["main only"]]);
    admin.disconnect();
  });
});
