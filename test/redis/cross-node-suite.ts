import type { Socket as ClientSocket } from "socket.io-client";
import type { Server } from "@switchboard/server";
import { waitFor } from "../support/index.js";
import { connectClient, record, waitForNodes } from "./cluster-nodes.js";

/** One server node of a cluster under test: a Switchboard server, or socket.io's (same API). */
export interface ClusterNode {
  io: Server;
  url: string;
  /** Requests of this node still waiting for answers (leak check); undefined when the node cannot say. */
  pendingRequests?(): number;
  /**
   * A socket.io node with `@socket.io/redis-streams-adapter`: its `allSockets()` only lists its
   * own sockets (that adapter does not ask the other nodes), so the suite does not ask it.
   */
  localAllSockets?: boolean;
  /** Resolves once the node listens to every channel its sockets' rooms need (pub/sub with a channel per room). */
  settled?(): Promise<void>;
  close(): Promise<void>;
}

/**
 * What every cross-node operation must do, on three nodes of one cluster, whatever the adapter:
 * run by the pub/sub adapter's tests, the Redis Streams adapter's, and the mixed clusters (official
 * socket.io nodes among Switchboard ones). `start()` returns three nodes on one Redis.
 */
export function crossNodeSuite(title: string, start: () => Promise<ClusterNode[]>): void {
  describe(title, () => {
    let nodes: ClusterNode[];
    let clients: ClientSocket[];

    beforeEach(async () => {
      nodes = await start();
      for (const [i, node] of nodes.entries()) {
        node.io.on("connection", (socket) => {
          void socket.join(`node-${i}`);
          const room = socket.handshake.query.room;
          if (typeof room === "string") void socket.join(room);
          socket.data = { node: i, name: socket.handshake.query.name };
        });
      }
      await waitForNodes(nodes[0].io, 3);
      clients = [];
      for (const [i, node] of nodes.entries()) clients.push(await connectClient(node.url, { room: i < 2 ? "shared" : "other", name: `c${i}` }));
      for (const node of nodes) await node.settled?.();
    });

    afterEach(async () => {
      for (const c of clients) c.disconnect();
      await Promise.all(nodes.map((n) => n.close()));
    });

    const roomsOf = (node: ClusterNode) => node.io.of("/").adapter.rooms;

    /**
     * A last broadcast from `node` to everyone: once every client has it, nothing `node` sent
     * before is still on its way (one sender's messages keep their order), so "exactly" holds.
     */
    let fences = 0;
    async function fence(node: ClusterNode, nsp = "/", to: ClientSocket[] = clients): Promise<void> {
      const n = ++fences;
      const seen = to.map(() => false);
      to.forEach((c, i) => c.on("fence", (m: number) => (seen[i] ||= m === n)));
      node.io.of(nsp).emit("fence", n);
      await waitFor(() => seen.every(Boolean), 3000, "the fence");
      for (const c of to) c.off("fence");
    }

    it("broadcasts to every client of every node exactly once", async () => {
      const got = clients.map((c) => record(c, "news"));
      nodes[0].io.emit("news", "all", { n: 1 });
      await waitFor(() => got.every((g) => g.length === 1), 3000, "every client");
      await fence(nodes[0]);
      expect(got.map((g) => g.map((args) => args.slice(0, 2)))).toEqual([[["all", { n: 1 }]], [["all", { n: 1 }]], [["all", { n: 1 }]]]);
    });

    it("broadcasts to a room, with except, across nodes", async () => {
      const got = clients.map((c) => record(c, "room"));
      nodes[2].io.to("shared").emit("room", 1);
      nodes[2].io.to(["shared", "other"]).except("node-1").emit("room", 2);
      await waitFor(() => got[0].length === 2 && got[1].length === 1 && got[2].length === 1, 3000, "room broadcasts");
      await fence(nodes[2]);
      expect(got.map((g) => g.map((args) => args[0]))).toEqual([[1, 2], [1], [2]]);
    });

    it("keeps local broadcasts local and carries volatile and binary ones", async () => {
      const got = clients.map((c) => record(c, "x"));
      nodes[1].io.local.emit("x", "local");
      // A volatile packet right behind another one may be dropped (the transport is busy): that is what volatile means.
      await waitFor(() => got[1].length === 1, 3000, "the local broadcast");
      nodes[1].io.volatile.emit("x", Buffer.from([1, 2, 3]));
      await waitFor(() => got.every((g) => g.length >= 1) && got[1].length === 2, 3000, "broadcasts");
      await fence(nodes[1]);
      expect(got[0].length).toBe(1);
      expect(got[2].length).toBe(1);
      expect(got[1][0][0]).toEqual("local");
      expect(Buffer.from(got[0][0][0] as ArrayBuffer)).toEqual(Buffer.from([1, 2, 3]));
    });

    it("collects acks from the clients of every node", async () => {
      for (const c of clients) c.on("ping-ack", (n: number, cb: (v: string) => void) => cb(`${c.id}:${n}`));
      const responses = await nodes[0].io.timeout(2000).emitWithAck("ping-ack", 7);
      expect((responses as string[]).sort()).toEqual(clients.map((c) => `${c.id}:7`).sort());
      const inRoom = await nodes[2].io.to("shared").timeout(2000).emitWithAck("ping-ack", 1);
      expect(inRoom).toHaveLength(2);
    });

    it("fetches sockets of every node, and remote sockets act on their own node", async () => {
      const sockets = await nodes[0].io.fetchSockets();
      expect(sockets.map((s) => s.id).sort()).toEqual(clients.map((c) => c.id).sort());
      const remote = sockets.find((s) => s.id === clients[2].id)!;
      expect(remote.data).toEqual({ node: 2, name: "c2" });
      expect([...remote.rooms].sort()).toEqual([clients[2].id, "node-2", "other"].sort());
      expect(remote.handshake.query.name).toBe("c2");
      const hello = record(clients[2], "hello");
      remote.emit("hello", "from node 0");
      await waitFor(() => hello.length === 1, 3000, "remote emit");
      expect(hello[0][0]).toEqual("from node 0");

      await remote.join("joined-remotely");
      await waitFor(() => roomsOf(nodes[2]).has("joined-remotely"), 3000, "remote join");
      await remote.leave("joined-remotely");
      await waitFor(() => !roomsOf(nodes[2]).has("joined-remotely"), 3000, "remote leave");

      const inShared = await nodes[2].io.in("shared").fetchSockets();
      expect(inShared.map((s) => s.id).sort()).toEqual([clients[0].id, clients[1].id].sort());

      const disconnected = new Promise((r) => clients[2].once("disconnect", r));
      remote.disconnect();
      expect(await disconnected).toBe("io server disconnect");
    });

    it("joins, leaves and disconnects sockets on every node", async () => {
      nodes[1].io.in("shared").socketsJoin("vip");
      await waitFor(() => roomsOf(nodes[0]).get("vip")?.size === 1 && roomsOf(nodes[1]).get("vip")?.size === 1, 3000, "socketsJoin");
      expect(roomsOf(nodes[2]).has("vip")).toBe(false);

      nodes[2].io.socketsLeave("vip");
      await waitFor(() => !roomsOf(nodes[0]).has("vip") && !roomsOf(nodes[1]).has("vip"), 3000, "socketsLeave");

      const gone = clients.map((c) => new Promise((r) => c.once("disconnect", r)));
      nodes[0].io.except("node-0").disconnectSockets();
      await Promise.all(gone.slice(1));
      expect(clients[0].connected).toBe(true);
    });

    it("counts servers and lists the sockets of every node", async () => {
      for (const node of nodes) expect(await node.io.of("/").adapter.serverCount()).toBe(3);
      for (const node of nodes.filter((n) => !n.localAllSockets)) {
        expect([...(await node.io.allSockets())].sort()).toEqual(clients.map((c) => c.id).sort());
      }
    });

    it("emits server-side to the other nodes, with and without acks", async () => {
      const heard: unknown[][] = [[], [], []];
      for (const [i, node] of nodes.entries()) {
        node.io.on("hello", (...args: unknown[]) => heard[i].push(args));
        node.io.on("question", (q: string, cb: (a: string) => void) => cb(`${q}@${i}`));
      }
      nodes[0].io.serverSideEmit("hello", "world", 42);
      await waitFor(() => heard[1].length === 1 && heard[2].length === 1, 3000, "serverSideEmit");
      expect(heard[0]).toEqual([]);
      expect(heard[1]).toEqual([["world", 42]]);
      for (const [i, node] of nodes.entries()) {
        const answers = await node.io.serverSideEmitWithAck("question", "q");
        expect((answers as string[]).sort()).toEqual([0, 1, 2].filter((j) => j !== i).map((j) => `q@${j}`));
      }
      for (const node of nodes) expect(node.pendingRequests?.() ?? 0).toBe(0);
    });

    it("keeps namespaces apart", async () => {
      for (const node of nodes) node.io.of("/chat");
      await waitForNodes(nodes[0].io, 3, "/chat");
      const chat = await connectClient(nodes[1].url, {}, "/chat");
      const onChat = record(chat, "m");
      const onMain = clients.map((c) => record(c, "m"));
      nodes[0].io.of("/chat").emit("m", "chat only");
      await waitFor(() => onChat.length === 1, 3000, "chat broadcast");
      await fence(nodes[0]);
      expect(onMain.every((g) => g.length === 0)).toBe(true);
      chat.disconnect();
    });
  });
}
