import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { io as switchboardConnect, type Socket as SwitchboardSocket } from "@switchboard/client";
import { workerIdOfRequest } from "@switchboard/redis-adapter";
import type { ClientToServerEvents, ServerToClientEvents } from "../../examples/chat/shared/events.js";
import { tokenFor } from "../e2e/chat/chat-login.js";
import { waitFor } from "../support/index.js";
import { buildClusterExample, startClusterExample, type ClusterExample } from "./cluster-example.js";
import { startRedis, type RedisServer } from "./redis-server.js";

// examples/cluster: a Node cluster (primary + 2 workers) behind one port with the sticky helper,
// Redis between the workers, running the chat example; clients use long-polling only.
let redis: RedisServer;
let cluster: ClusterExample;
let url: string;
const clients: ClientSocket[] = [];

beforeAll(async () => {
  buildClusterExample();
  redis = await startRedis();
  cluster = await startClusterExample(redis.url, 2);
  url = cluster.url;
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await cluster?.stop();
  await redis?.stop();
}, 30_000);

/** A user of the chat: a token from its login route (any worker answers it), then a long-polling connection. */
async function pollingClient(username: string): Promise<ClientSocket> {
  const socket = connect(url, { transports: ["polling"], forceNew: true, reconnection: false, auth: { token: await tokenFor(url, username) } });
  clients.push(socket);
  return socket;
}

describe("examples/cluster: sticky sessions on a Node cluster", () => {
  it("reads the owning worker from a request line", () => {
    expect(workerIdOfRequest("GET /socket.io/?EIO=4&transport=polling&sid=12~abc HTTP/1.1\r\nHost: x\r\n")).toBe(12);
    expect(workerIdOfRequest("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n")).toBeUndefined();
  });

  it("keeps long-polling sessions on their worker and chats across workers", async () => {
    const sockets = await Promise.all([0, 1, 2, 3].map((i) => pollingClient(`user${i}`)));
    await waitFor(() => sockets.every((s) => s.connected), 10_000, "polling clients");
    const owners = new Set(sockets.map((s) => s.io.engine.id.split("~")[0]));
    expect(owners.size).toBe(2);
    // Several polling round trips: each must reach the worker that owns the session.
    for (const s of sockets) {
      const join = await s.timeout(5000).emitWithAck("join", "general");
      expect(join).toMatchObject({ ok: true, room: "general" });
    }
    const received = sockets.map(() => [] as Array<{ from: string; text: string }>);
    sockets.forEach((s, i) => s.on("message", (m: { from: string; text: string }) => received[i].push(m)));
    const sent = await sockets[0].timeout(5000).emitWithAck("message", { id: "sticky-polling-1", room: "general", text: "hello cluster" });
    expect(sent).toMatchObject({ ok: true });
    await waitFor(() => received.every((r) => r.some((m) => m.text === "hello cluster")), 10_000, "the message on every worker");
    // A later message from each worker: one reaches a worker's clients through Redis, after anything
    // the first one could still bring there (a repeat, the sender's own echo), the other locally.
    const other = sockets.findIndex((s) => s.io.engine.id.split("~")[0] !== sockets[0].io.engine.id.split("~")[0]);
    for (const [i, id] of [
      [0, "sticky-polling-2"],
      [other, "sticky-polling-3"],
    ] as const) {
      expect(await sockets[i].timeout(5000).emitWithAck("message", { id, room: "general", text: "after" })).toMatchObject({ ok: true });
    }
    await waitFor(() => received.every((r) => r.filter((m) => m.text === "after").length === 2), 10_000, "the later messages on every worker");
    for (const r of received) expect(r.filter((m) => m.text === "hello cluster")).toHaveLength(1);
    expect(sockets.every((s) => s.connected)).toBe(true);
  }, 30_000);

  it("closes the connection after every answer, even one written within the request handler", async () => {
    const engineUrl = (params: Record<string, string>) => `${url}/socket.io/?${new URLSearchParams({ EIO: "4", transport: "polling", ...params }).toString()}`;
    // Answered synchronously by the engine (unknown session): a keep-alive connection kept here
    // would carry the client's next request, whatever its session, to this same worker.
    const unknown = await fetch(engineUrl({ sid: "1~unknown" }));
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get("connection")).toBe("close");
    const handshake = await fetch(engineUrl({}));
    expect(handshake.headers.get("connection")).toBe("close");
    const sid = (JSON.parse((await handshake.text()).slice(1)) as { sid: string }).sid;
    const token = await tokenFor(url, "raw-poller");
    const connect = await fetch(engineUrl({ sid }), { method: "POST", body: `40${JSON.stringify({ token })}` });
    expect(await connect.text()).toBe("ok");
    expect(connect.headers.get("connection")).toBe("close");
    const poll = await fetch(engineUrl({ sid }));
    expect(await poll.text()).toMatch(/^40\{"sid":/);
    expect(poll.headers.get("connection")).toBe("close");
    expect(await (await fetch(engineUrl({ sid }), { method: "POST", body: "1" })).text()).toBe("ok");
  });
});

// Issue 12, item 6: Switchboard's own client builds its query with URLSearchParams, so the `~` of
// a worker's session id travels as `%7E`; the primary must still route each request to its owner.
describe("examples/cluster with @switchboard/client", () => {
  type ChatClient = SwitchboardSocket<ServerToClientEvents, ClientToServerEvents>;
  const ours: ChatClient[] = [];

  afterEach(() => {
    for (const socket of ours.splice(0)) {
      socket.disconnect();
      socket.io._close();
    }
  });

  async function chatClient(username: string, transports: Array<"polling" | "websocket">): Promise<ChatClient> {
    const token = await tokenFor(url, username);
    const socket: ChatClient = switchboardConnect(url, { transports, forceNew: true, reconnection: false, auth: { token } });
    ours.push(socket);
    return socket;
  }

  it.each([
    ["long-polling only", ["polling"] as Array<"polling" | "websocket">, "polling"],
    ["polling upgraded to WebSocket", ["polling", "websocket"] as Array<"polling" | "websocket">, "websocket"],
  ])(
    "logs in and chats across workers over %s",
    async (label, transports, finalTransport) => {
      const tag = label.split(" ")[0];
      const sockets = await Promise.all([0, 1, 2, 3].map((i) => chatClient(`${tag}${i}`, transports)));
      const errors: string[] = [];
      for (const s of sockets) s.on("connect_error", (err) => errors.push(err.message));
      await waitFor(() => sockets.every((s) => s.connected) || errors.length > 0, 10_000, "our clients to connect");
      expect(errors).toEqual([]);
      // Handshakes go round-robin: both workers own sessions.
      expect(new Set(sockets.map((s) => s.io.engine.id!.split("~")[0])).size).toBe(2);
      await waitFor(() => sockets.every((s) => s.io.engine.transport.name === finalTransport), 10_000, `every client on ${finalTransport}`);

      for (const s of sockets) {
        expect(await s.timeout(5000).emitWithAck("join", "general")).toMatchObject({ ok: true, room: "general" });
      }
      const received = sockets.map(() => [] as string[]);
      sockets.forEach((s, i) => s.on("message", (m) => m.kind === "user" && received[i].push(`${m.from}: ${m.text}`)));
      const text = `hello from ${label}`;
      expect(await sockets[0].timeout(5000).emitWithAck("message", { id: `${tag}-first`, room: "general", text })).toMatchObject({ ok: true });
      await waitFor(() => received.every((r) => r.includes(`${tag}0: ${text}`)), 10_000, "the message on every worker");
      // The other direction, from a session on the other worker.
      const other = sockets.findIndex((s) => s.io.engine.id!.split("~")[0] !== sockets[0].io.engine.id!.split("~")[0]);
      expect(await sockets[other].timeout(5000).emitWithAck("message", { id: `${tag}-back`, room: "general", text: "and back" })).toMatchObject({ ok: true });
      await waitFor(() => received[0].includes(`${tag}${other}: and back`), 10_000, "the answer on the first worker");
      for (const r of received) expect(r.filter((m) => m === `${tag}0: ${text}`)).toHaveLength(1);
      expect(sockets.every((s) => s.connected)).toBe(true);
    },
    30_000,
  );
});
