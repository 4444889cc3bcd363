import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { Emitter } from "@switchboard/redis-streams-adapter";
import { decodeMsgpack } from "@switchboard/redis-adapter";
import { eventually, once, waitFor } from "../support/index.js";
import { record, waitForNodes } from "../redis/cluster-nodes.js";
import type { ClusterNode } from "../redis/cross-node-suite.js";
import { startRedis, type RedisServer } from "../redis/redis-server.js";
import { nodeRedisClient, startOfficialNode, startStreamsNode, type StreamsNode } from "./streams-nodes.js";

// Connection state recovery on any node: a client whose node dies comes back on another one with
// its id, rooms and data, and gets every packet it missed, once, in order.
let redis: RedisServer;
let redisClient: Awaited<ReturnType<typeof nodeRedisClient>>;
const toClose: Array<{ close(): Promise<void> | void }> = [];
const sockets: ClientSocket[] = [];

const RECOVERY = { maxDisconnectionDuration: 60_000, skipMiddlewares: true };

beforeAll(async () => {
  redis = await startRedis();
  redisClient = await nodeRedisClient(redis.url);
});

afterAll(async () => {
  redisClient.destroy();
  await redis?.stop();
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  for (const item of toClose.splice(0).reverse()) await item.close();
});

async function node(opts: Parameters<typeof startStreamsNode>[1]): Promise<StreamsNode> {
  const started = await startStreamsNode(redis.port, opts);
  toClose.push(started);
  // A recovered socket keeps what it had; a new one gets its rooms and data here.
  started.io.on("connection", (socket) => {
    if (socket.recovered) return;
    void socket.join(["room1", "room2"]);
    socket.data = { user: "u1", n: 42 };
  });
  return started;
}

/** A client that does not reconnect by itself: the test moves it to another node. */
async function client(url: string): Promise<ClientSocket> {
  const socket = connect(url, { forceNew: true, reconnection: false, transports: ["websocket"] });
  sockets.push(socket);
  await once(socket, "connect");
  return socket;
}

/** Reconnects a client (with its pid and offset) to another node. */
async function moveTo(socket: ClientSocket, url: string): Promise<void> {
  (socket.io as unknown as { uri: string }).uri = url;
  socket.connect();
  await once(socket, "connect");
}

const values = (got: unknown[][]) => got.map((args) => args[0]);
/** The offsets the client saw (the last argument of each recoverable packet). */
const offsets = (got: unknown[][]) => got.map((args) => args[args.length - 1] as string);
const ascending = (ids: string[]) => ids.every((id, i) => i === 0 || compare(ids[i - 1], id) < 0);
function compare(a: string, b: string): number {
  const [ma, sa] = a.split("-").map(BigInt) as [bigint, bigint];
  const [mb, sb] = b.split("-").map(BigInt) as [bigint, bigint];
  return ma === mb ? Number(sa - sb) : ma < mb ? -1 : 1;
}

describe("recovery on another node", () => {
  it("restores id, rooms and data after its node crashed, with every missed packet once and in order", async () => {
    const a = await node({ recovery: RECOVERY, proxied: true });
    const b = await node({ recovery: RECOVERY });
    await waitForNodes(b.io, 2);
    const socket = await client(a.url);
    const got = record(socket, "m");
    b.io.to("room1").emit("m", 0);
    await waitFor(() => got.length === 1, 5000, "a first packet (the client's first offset)");
    const id = socket.id!;

    await a.crash();
    await once(socket, "disconnect");
    const emitter = new Emitter(redisClient);
    toClose.push(emitter);
    // While it is away: rooms it is in, its own id, the emitter, and rooms it is not in.
    b.io.to("room1").emit("m", 1);
    b.io.to(id).emit("m", 2);
    b.io.to("elsewhere").emit("m", "not for it");
    b.io.to("room2").except("room1").emit("m", "excluded");
    emitter.to("room2").emit("m", 3);
    // Two writers: the stream orders their messages; flushing first makes that order 3, 4.
    await emitter.flush();
    b.io.emit("m", 4, Buffer.from([7]));
    await emitter.flush();
    await waitFor(() => b.adapter().pendingPublishes === 0, 5000, "the packets in the stream");

    await moveTo(socket, b.url);
    expect(socket.recovered).toBe(true);
    expect(socket.id).toBe(id);
    await waitFor(() => got.length === 5, 5000, "the missed packets");
    b.io.to("room2").emit("m", 5);
    await waitFor(() => got.length === 6, 5000, "a packet after the recovery");
    expect(values(got)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Buffer.from(got[4][1] as ArrayBuffer)).toEqual(Buffer.from([7]));
    expect(ascending(offsets(got))).toBe(true);
    const restored = b.io.of("/").sockets.get(id)!;
    expect([...restored.rooms].sort()).toEqual([id, "room1", "room2"].sort());
    expect(restored.data).toEqual({ user: "u1", n: 42 });
  });

  it("keeps for a restored session what reaches it while its middlewares run, and sends it after the missed packets", async () => {
    const a = await node({ recovery: RECOVERY, proxied: true });
    const b = await node({ recovery: { ...RECOVERY, skipMiddlewares: false } });
    let entered!: () => void;
    const inMiddleware = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    b.io.use((socket, next) => {
      if (!socket.recovered) return next();
      entered();
      void gate.then(() => next());
    });
    await waitForNodes(b.io, 2);
    const witness = await client(b.url);
    const seen = record(witness, "m");
    const socket = await client(a.url);
    const got = record(socket, "m");
    b.io.to("room1").emit("m", 0);
    await waitFor(() => got.length === 1, 5000, "a first packet");

    await a.crash();
    await once(socket, "disconnect");
    b.io.to("room1").emit("m", 1);
    await waitFor(() => seen.length === 2, 5000, "packet 1 applied on b");
    (socket.io as unknown as { uri: string }).uri = b.url;
    socket.connect();
    await inMiddleware;
    // Restored, not yet in its rooms: these reach b (its witness has them) while the middleware waits.
    b.io.to("room2").emit("m", 2);
    b.io.to(socket.id ?? "").emit("unused");
    b.io.emit("m", 3);
    await waitFor(() => seen.length === 4, 5000, "packets 2 and 3 applied on b");
    release();
    await once(socket, "connect");
    b.io.to("room1").emit("m", 4);
    await waitFor(() => got.length === 5, 5000, "every packet");
    expect(values(got)).toEqual([0, 1, 2, 3, 4]);
    expect(ascending(offsets(got))).toBe(true);
    expect(socket.recovered).toBe(true);
    expect(b.adapter().sessionCounts.held).toBe(0);
  });

  it("moves sessions between Switchboard and socket.io nodes, both ways", async () => {
    const official = await startOfficialNode(redis.port, { recovery: RECOVERY });
    toClose.push(official);
    official.official.on("connection", (s) => {
      if (!s.recovered) void s.join("room1");
    });
    const ours = await node({ recovery: RECOVERY, proxied: true });
    await waitForNodes(ours.io, 2);

    // From our crashed node to socket.io's: the session was written when the socket connected.
    const first = await client(ours.url);
    const got = record(first, "m");
    official.io.to("room1").emit("m", 0);
    await waitFor(() => got.length === 1, 5000, "a first packet");
    await ours.crash();
    await once(first, "disconnect");
    official.io.to("room1").emit("m", 1);
    await moveTo(first, official.url);
    expect(first.recovered).toBe(true);
    await waitFor(() => got.length === 2, 5000, "the missed packet");
    expect(values(got)).toEqual([0, 1]);

    // From socket.io's node (which keeps the session when the transport closes) to ours.
    const b = await node({ recovery: RECOVERY });
    await waitForNodes(b.io, 2);
    const second = await client(official.url);
    const got2 = record(second, "m");
    b.io.to("room1").emit("m", 10);
    await waitFor(() => got2.length === 1, 5000, "a first packet");
    const id = second.id;
    const closed = once(second, "disconnect");
    // The transport closes (a network drop): socket.io keeps the session when it notices.
    second.io.engine.close();
    await closed;
    await waitFor(() => (official as ClusterNode).io.of("/").sockets.size === 1, 5000, "the official node noticed");
    b.io.to("room1").emit("m", 11);
    await moveTo(second, b.url);
    expect(second.recovered).toBe(true);
    expect(second.id).toBe(id);
    await waitFor(() => got2.length === 2, 5000, "the missed packet");
    expect(values(got2)).toEqual([10, 11]);
  });
});

describe("session keys", () => {
  const MAX = 1000;

  async function session(pid: string): Promise<{ sid: string; rooms: string[]; data: unknown } | undefined> {
    const raw = await redisClient.sendCommand(["GET", `sio:session:${pid}`]);
    return raw === null ? undefined : (decodeMsgpack(Buffer.from(String(raw), "base64")) as { sid: string; rooms: string[]; data: unknown });
  }
  const pttl = async (pid: string) => Number(await redisClient.sendCommand(["PTTL", `sio:session:${pid}`]));
  const pidOf = (socket: ClientSocket) => (socket as unknown as { _pid: string })._pid;

  it("are written on connection and on room changes, refreshed, and deleted when the client leaves", async () => {
    const a = await node({ recovery: { maxDisconnectionDuration: MAX } });
    a.io.on("connection", (s) => s.on("join", (room: string, ack: () => void) => (s.join(room), ack())));
    const socket = await client(a.url);
    const pid = pidOf(socket);
    await waitFor(() => a.adapter().sessionCounts.kept === 1, 5000, "the session kept");
    await eventually(async () => (await session(pid)) !== undefined, 5000, "the session in Redis");
    const stored = await session(pid);
    expect(stored).toMatchObject({ sid: socket.id, data: { user: "u1", n: 42 } });
    expect(stored!.rooms.sort()).toEqual([socket.id, "room1", "room2"].sort());
    const first = await pttl(pid);
    expect(first).toBeGreaterThan(MAX);
    // Refreshed while connected: its expiry moves later. The absolute expiry time is compared, not
    // the time left: a lifetime read just after a refresh may never be beaten by a later reading.
    const expiresAt = async () => Number(await redisClient.sendCommand(["PEXPIRETIME", `sio:session:${pid}`]));
    const firstExpiry = await expiresAt();
    await eventually(async () => (await expiresAt()) > firstExpiry, 5000, "a refresh");

    await socket.emitWithAck("join", "room3");
    await eventually(async () => (await session(pid))?.rooms.includes("room3") === true, 5000, "the new room in the session");

    socket.disconnect();
    await eventually(async () => (await session(pid)) === undefined, 5000, "the session deleted");
    expect(a.adapter().sessionCounts.kept).toBe(0);
  });

  it("outlive their node by maxDisconnectionDuration, then expire", async () => {
    const a = await node({ recovery: { maxDisconnectionDuration: MAX }, proxied: true });
    const socket = await client(a.url);
    const pid = pidOf(socket);
    await waitFor(() => a.adapter().sessionCounts.kept === 1, 5000, "the session kept");
    await eventually(async () => (await session(pid)) !== undefined, 5000, "the session in Redis");
    await a.crash();
    const crashedAt = Date.now();
    expect(await pttl(pid)).toBeLessThanOrEqual(MAX + 250);
    await eventually(async () => Number(await redisClient.sendCommand(["EXISTS", `sio:session:${pid}`])) === 0, 5000, "the session expired");
    // Written at most one refresh interval before the crash, with that interval on top of its lifetime.
    expect(Date.now() - crashedAt).toBeGreaterThanOrEqual(MAX - 20);
  });
});
