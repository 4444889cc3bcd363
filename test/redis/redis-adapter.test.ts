import type { Socket as ClientSocket } from "socket.io-client";
import type { RedisAdapter } from "@switchboard/redis-adapter";
import { sleep, waitFor } from "../support/index.js";
import { connectClient, record, startNode, waitForNodes, type SwitchboardNode } from "./cluster-nodes.js";
import { startRedis, type RedisServer } from "./redis-server.js";

// Three Switchboard nodes in this process on one real redis-server; clients are socket.io-client.
let redis: RedisServer;
let nodes: SwitchboardNode[];
let clients: ClientSocket[];

const adapterOf = (node: SwitchboardNode, nsp = "/") => node.io.of(nsp).adapter as unknown as RedisAdapter;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
});

beforeEach(async () => {
  nodes = [];
  for (let i = 0; i < 3; i++) nodes.push(await startNode(redis.url, { requestsTimeout: 1000 }));
  for (const [i, node] of nodes.entries()) {
    node.io.on("connection", (socket) => {
      void socket.join(`node-${i}`);
      const room = socket.handshake.query.room;
      if (typeof room === "string") void socket.join(room);
      socket.data = { node: i, name: socket.handshake.query.name };
      socket.on("ack-me", (n: number, cb: (v: number) => void) => cb(n * 2));
    });
  }
  await waitForNodes(nodes[0]!.io, 3);
  clients = [];
  for (const [i, node] of nodes.entries()) clients.push(await connectClient(node.url, { room: i < 2 ? "shared" : "other", name: `c${i}` }));
});

afterEach(async () => {
  for (const c of clients) c.disconnect();
  await Promise.all(nodes.map((n) => n.close()));
});

describe("Redis adapter, three nodes in one process", () => {
  it("broadcasts to every client of every node exactly once", async () => {
    const got = clients.map((c) => record(c, "news"));
    nodes[0]!.io.emit("news", "all", { n: 1 });
    await waitFor(() => got.every((g) => g.length === 1), 3000, "every client");
    await sleep(100);
    expect(got).toEqual([[["all", { n: 1 }]], [["all", { n: 1 }]], [["all", { n: 1 }]]]);
  });

  it("broadcasts to a room, with except, across nodes", async () => {
    const got = clients.map((c) => record(c, "room"));
    nodes[2]!.io.to("shared").emit("room", 1);
    nodes[2]!.io.to(["shared", "other"]).except("node-1").emit("room", 2);
    await waitFor(() => got[0]!.length === 2 && got[1]!.length === 1 && got[2]!.length === 1, 3000, "room broadcasts");
    await sleep(100);
    expect(got).toEqual([[[1], [2]], [[1]], [[2]]]);
  });

  it("keeps local broadcasts local and carries volatile and binary ones", async () => {
    const got = clients.map((c) => record(c, "x"));
    nodes[1]!.io.local.emit("x", "local");
    nodes[1]!.io.volatile.emit("x", Buffer.from([1, 2, 3]));
    await waitFor(() => got.every((g) => g.length >= 1) && got[1]!.length === 2, 3000, "broadcasts");
    await sleep(100);
    expect(got[0]!.length).toBe(1);
    expect(got[2]!.length).toBe(1);
    expect(got[1]![0]).toEqual(["local"]);
    expect(Buffer.from(got[0]![0]![0] as ArrayBuffer)).toEqual(Buffer.from([1, 2, 3]));
  });

  it("collects acks from the clients of every node", async () => {
    for (const c of clients) c.on("ping-ack", (n: number, cb: (v: string) => void) => cb(`${c.id}:${n}`));
    const responses = await nodes[0]!.io.timeout(2000).emitWithAck("ping-ack", 7);
    expect((responses as string[]).sort()).toEqual(clients.map((c) => `${c.id}:7`).sort());
    const inRoom = await nodes[2]!.io.to("shared").timeout(2000).emitWithAck("ping-ack", 1);
    expect(inRoom).toHaveLength(2);
  });

  it("fetches sockets of every node, and remote sockets act on their own node", async () => {
    const sockets = await nodes[0]!.io.fetchSockets();
    expect(sockets.map((s) => s.id).sort()).toEqual(clients.map((c) => c.id).sort());
    const remote = sockets.find((s) => s.id === clients[2]!.id)!;
    expect(remote.data).toEqual({ node: 2, name: "c2" });
    expect([...remote.rooms].sort()).toEqual([clients[2]!.id, "node-2", "other"].sort());
    expect(remote.handshake.query.name).toBe("c2");
    const hello = record(clients[2]!, "hello");
    remote.emit("hello", "from node 0");
    await waitFor(() => hello.length === 1, 3000, "remote emit");
    expect(hello[0]).toEqual(["from node 0"]);

    remote.join("joined-remotely");
    await waitFor(() => nodes[2]!.io.of("/").adapter.rooms.has("joined-remotely"), 3000, "remote join");
    remote.leave("joined-remotely");
    await waitFor(() => !nodes[2]!.io.of("/").adapter.rooms.has("joined-remotely"), 3000, "remote leave");

    const inShared = await nodes[2]!.io.in("shared").fetchSockets();
    expect(inShared.map((s) => s.id).sort()).toEqual([clients[0]!.id, clients[1]!.id].sort());

    const disconnected = new Promise((r) => clients[2]!.once("disconnect", r));
    remote.disconnect();
    expect(await disconnected).toBe("io server disconnect");
  });

  it("joins, leaves and disconnects sockets on every node", async () => {
    nodes[1]!.io.in("shared").socketsJoin("vip");
    await waitFor(() => nodes[0]!.io.of("/").adapter.rooms.get("vip")?.size === 1 && nodes[1]!.io.of("/").adapter.rooms.get("vip")?.size === 1, 3000, "socketsJoin");
    expect(nodes[2]!.io.of("/").adapter.rooms.has("vip")).toBe(false);
    expect(await adapterOf(nodes[2]!).allRooms()).toContain("vip");

    nodes[2]!.io.socketsLeave("vip");
    await waitFor(() => !nodes[0]!.io.of("/").adapter.rooms.has("vip") && !nodes[1]!.io.of("/").adapter.rooms.has("vip"), 3000, "socketsLeave");

    const gone = clients.map((c) => new Promise((r) => c.once("disconnect", r)));
    nodes[0]!.io.except("node-0").disconnectSockets();
    await Promise.all(gone.slice(1));
    expect(clients[0]!.connected).toBe(true);
  });

  it("lists all rooms and counts servers", async () => {
    const rooms = await adapterOf(nodes[1]!).allRooms();
    for (const r of ["node-0", "node-1", "node-2", "shared", "other"]) expect(rooms.has(r)).toBe(true);
    expect(await nodes[1]!.io.of("/").adapter.serverCount()).toBe(3);
    expect((await nodes[0]!.io.allSockets()).size).toBe(3);
  });

  it("emits server-side to the other nodes, with and without acks", async () => {
    const heard: unknown[][] = [[], [], []];
    for (const [i, node] of nodes.entries()) {
      node.io.on("hello", (...args: unknown[]) => heard[i]!.push(args));
      node.io.on("question", (q: string, cb: (a: string) => void) => cb(`${q}@${i}`));
    }
    nodes[0]!.io.serverSideEmit("hello", "world", 42);
    await waitFor(() => heard[1]!.length === 1 && heard[2]!.length === 1, 3000, "serverSideEmit");
    expect(heard[0]).toEqual([]);
    expect(heard[1]).toEqual([["world", 42]]);
    const answers = await nodes[0]!.io.serverSideEmitWithAck("question", "q");
    expect((answers as string[]).sort()).toEqual(["q@1", "q@2"]);
    expect(adapterOf(nodes[0]!).pendingRequests).toBe(0);
  });

  it("fails a request with a timeout error when a node does not answer, leaving nothing behind", async () => {
    nodes[2]!.io.on("question", () => {
      /* never answers */
    });
    nodes[1]!.io.on("question", (_q: string, cb: (a: string) => void) => cb("ok"));
    await expect(nodes[0]!.io.serverSideEmitWithAck("question", "q")).rejects.toThrow(/timeout reached: only 1 responses received out of 2/);
    expect(adapterOf(nodes[0]!).pendingRequests).toBe(0);

    // A node that stops answering requests (its sub connection stays subscribed but it is silent).
    const silent = adapterOf(nodes[2]!) as unknown as { handleRequest: () => Promise<void> };
    silent.handleRequest = async () => {};
    await expect(nodes[0]!.io.fetchSockets()).rejects.toMatchObject({ code: "REDIS_REQUEST_TIMEOUT" });
    await expect(adapterOf(nodes[0]!).allRooms()).rejects.toThrow(/timeout reached while waiting for allRooms/);
    expect(adapterOf(nodes[0]!).pendingRequests).toBe(0);
  });

  it("keeps namespaces apart", async () => {
    for (const node of nodes) node.io.of("/chat");
    await waitForNodes(nodes[0]!.io, 3, "/chat");
    const chat = await connectClient(nodes[1]!.url, {}, "/chat");
    const onChat = record(chat, "m");
    const onMain = clients.map((c) => record(c, "m"));
    nodes[0]!.io.of("/chat").emit("m", "chat only");
    await waitFor(() => onChat.length === 1, 3000, "chat broadcast");
    await sleep(100);
    expect(onMain.every((g) => g.length === 0)).toBe(true);
    chat.disconnect();
  });
});
