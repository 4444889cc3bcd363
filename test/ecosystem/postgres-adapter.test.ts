import { createServer } from "node:http";
import { createAdapter } from "@socket.io/postgres-adapter";
import pg from "pg";
import type { Socket as ClientSocket } from "socket.io-client";
import { Server } from "@switchboard/server";
import { closeServer, listen, waitFor } from "../support/index.js";
import { startPostgres, type PostgresServer } from "../support/postgres-server.js";
import { connected } from "../e2e/auth/harness.js";
import { Clients } from "../support/index.js";

// @socket.io/postgres-adapter 0.5 between two of our Servers (two nodes, each with its own pool, as
// two processes would have) on a real, throwaway PostgreSQL: LISTEN/NOTIFY for messages, the
// attachments table for binary payloads.
interface PgNode {
  name: string;
  io: Server;
  url: string;
  heard: unknown[][];
  close(): Promise<void>;
}

let postgres: PostgresServer;
let nodes: PgNode[] = [];
const clients = new Clients();
/** What the adapter reports to its `errorHandler`, and the pools' errors: none expected. */
const errors: Error[] = [];

async function startNode(name: string): Promise<PgNode> {
  const pool = new pg.Pool({ connectionString: postgres.url, max: 4 });
  // What a pool's idle clients meet (a server gone, a connection cut) is emitted here.
  pool.on("error", (err) => errors.push(err));
  const http = createServer();
  // A short heartbeat: the nodes find each other quickly, whichever LISTENs first.
  const io = new Server(http, { adapter: createAdapter(pool, { heartbeatInterval: 200, errorHandler: (err) => errors.push(err) }) });
  const heard: unknown[][] = [];
  io.on("connection", (socket) => {
    socket.data = { node: name };
    const rooms = socket.handshake.query.rooms;
    if (typeof rooms === "string" && rooms) void socket.join(rooms.split(","));
  });
  io.on("hello", (...args: unknown[]) => heard.push(args));
  io.on("question", (q: string, ack: (answer: string) => void) => ack(`${q}@${name}`));
  const { url } = await listen(http);
  return {
    name,
    io,
    url,
    heard,
    close: async () => {
      await io.close();
      await closeServer(http);
      await pool.end();
    },
  };
}

/** Polls an async condition until it holds. */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  let ok = false;
  const check = () => void condition().then((v) => (ok = v));
  check();
  await waitFor(
    () => {
      if (!ok) check();
      return ok;
    },
    10_000,
    what,
  );
}

beforeAll(async () => {
  postgres = await startPostgres();
  // The table the adapter stores binary and large payloads in (its README's schema).
  const client = new pg.Client({ connectionString: postgres.url });
  await client.connect();
  await client.query("CREATE TABLE IF NOT EXISTS socket_io_attachments (id bigserial UNIQUE, created_at timestamptz DEFAULT NOW(), payload bytea)");
  await client.end();
}, 60_000);

afterAll(async () => {
  await postgres?.stop();
  expect(errors).toEqual([]);
});

beforeEach(async () => {
  nodes = [await startNode("a"), await startNode("b")];
  await until(async () => (await Promise.all(nodes.map((n) => n.io.of("/").adapter.serverCount()))).every((c) => c === 2), "both nodes to see each other");
});

afterEach(async () => {
  await clients.closeAll();
  await Promise.all(nodes.map((n) => n.close()));
  expect(errors.splice(0)).toEqual([]);
});

/** A websocket client on `node`, in `rooms`, recording the events it receives. */
async function clientOn(node: PgNode, rooms: string[] = []): Promise<{ socket: ClientSocket; got: unknown[][] }> {
  const socket = clients.open(node.url, { transports: ["websocket"], query: { rooms: rooms.join(",") } });
  const got: unknown[][] = [];
  socket.onAny((...args: unknown[]) => got.push(args));
  await connected(socket);
  return { socket, got };
}

describe("@socket.io/postgres-adapter between two @switchboard/server nodes", () => {
  it("broadcasts with an ack, gathering the answers of clients on both nodes", async () => {
    const [a, b] = nodes as [PgNode, PgNode];
    for (const [node, name] of [
      [a, "x"],
      [b, "y"],
    ] as const) {
      const c = await clientOn(node);
      c.socket.on("ask", (q: string, ack: (answer: string) => void) => ack(`${q}:${name}`));
    }
    // The adapter keeps each request for the whole timeout (a timer it never clears): a short one,
    // and this test first, so the timer is gone when the file ends.
    const answers = await a.io.timeout(1000).emitWithAck("ask", "q");
    expect((answers as string[]).sort()).toEqual(["q:x", "q:y"]);
  });

  it("broadcasts to every node, binary payloads through the attachments table, each once", async () => {
    const [a, b] = nodes as [PgNode, PgNode];
    const onA = await clientOn(a);
    const onB = await clientOn(b);
    a.io.emit("news", "from a", { n: 1 });
    b.io.emit("bytes", Buffer.from([1, 2, 3]));
    const names = (c: { got: unknown[][] }) => c.got.map((e) => e[0] as string).sort();
    await waitFor(() => [onA, onB].every((c) => names(c).includes("news") && names(c).includes("bytes")), 5000, "both broadcasts on both nodes");
    // A broadcast from each node, later: a duplicate of the first two would have come before them.
    a.io.emit("done");
    b.io.emit("done");
    await waitFor(() => [onA, onB].every((c) => names(c).filter((n) => n === "done").length === 2), 5000, "the last broadcasts");
    for (const c of [onA, onB]) {
      expect(names(c)).toEqual(["bytes", "done", "done", "news"]);
      expect(c.got.find((e) => e[0] === "news")).toEqual(["news", "from a", { n: 1 }]);
      expect(Buffer.from(c.got.find((e) => e[0] === "bytes")![1] as ArrayBuffer)).toEqual(Buffer.from([1, 2, 3]));
    }
  });

  it("targets rooms across nodes, with except", async () => {
    const [a, b] = nodes as [PgNode, PgNode];
    const redOnA = await clientOn(a, ["red"]);
    const redOnB = await clientOn(b, ["red"]);
    const redBlueOnB = await clientOn(b, ["red", "blue"]);
    const noneOnA = await clientOn(a);
    const all = [redOnA, redOnB, redBlueOnB, noneOnA];
    const has = (c: { got: unknown[][] }, m: string) => c.got.some((e) => e[1] === m);
    a.io.to("red").except("blue").emit("m", "red not blue");
    b.io.to("blue").emit("m", "blue");
    // The adapter delivers a broadcast locally once its NOTIFY is committed, and two broadcasts may
    // commit in either order (each takes a pool connection): an end marker sent with them could
    // overtake them. Sent once they arrived, a marker comes after anything else they deliver
    // (each node hears the other's notifications in commit order).
    await waitFor(() => has(redOnA, "red not blue") && has(redOnB, "red not blue") && has(redBlueOnB, "blue"), 5000, "both room broadcasts");
    a.io.emit("m", "end");
    b.io.emit("m", "end");
    await waitFor(() => all.every((c) => c.got.filter((e) => e[1] === "end").length === 2), 5000, "the end markers of both nodes");
    expect(all.map((c) => c.got.map((e) => e[1]).filter((m) => m !== "end"))).toEqual([["red not blue"], ["red not blue"], ["blue"], []]);
  });

  it("fetches sockets of every node, and acts on remote ones", async () => {
    const [a, b] = nodes as [PgNode, PgNode];
    const onA = await clientOn(a, ["red"]);
    const onB = await clientOn(b, ["red"]);
    const other = await clientOn(b);
    const fetched = await a.io.fetchSockets();
    expect(fetched.map((s) => [s.id, s.data.node]).sort()).toEqual(
      [
        [onA.socket.id, "a"],
        [onB.socket.id, "b"],
        [other.socket.id, "b"],
      ].sort(),
    );
    const red = await a.io.in("red").fetchSockets();
    expect(red.map((s) => s.id).sort()).toEqual([onA.socket.id, onB.socket.id].sort());
    const remote = red.find((s) => s.id === onB.socket.id)!;
    expect([...remote.rooms].sort()).toEqual([onB.socket.id, "red"].sort());
    expect(remote.handshake.query.rooms).toBe("red");

    remote.emit("direct", "to b");
    await waitFor(() => onB.got.some((e) => e[0] === "direct"), 5000, "the remote emit");
    expect(onB.got).toEqual([["direct", "to b"]]);

    a.io.in(other.socket.id!).socketsJoin("green");
    await waitFor(() => b.io.of("/").sockets.get(other.socket.id!)?.rooms.has("green") === true, 5000, "the remote join");
    const reason = new Promise((resolve) => other.socket.once("disconnect", resolve));
    a.io.in("green").disconnectSockets();
    expect(await reason).toBe("io server disconnect");
    expect(onB.socket.connected).toBe(true);
  });

  it("serverSideEmit reaches the other node only; with an ack, it gathers the other node's answer", async () => {
    const [a, b] = nodes as [PgNode, PgNode];
    a.io.serverSideEmit("hello", "world", 42);
    expect(await a.io.serverSideEmitWithAck("question", "who")).toEqual(["who@b"]);
    expect(await b.io.serverSideEmitWithAck("question", "who")).toEqual(["who@a"]);
    // The first message went before the request that b answered.
    expect(b.heard).toEqual([["world", 42]]);
    expect(a.heard).toEqual([]);
  });
});
