import { io as officialConnect } from "socket.io-client";
import { io as switchboardConnect } from "@switchboard/client";
import type { ChatMessage, JoinResult } from "../../examples/chat/shared/events.js";
import { tokenFor } from "../e2e/chat/chat-login.js";
import { waitFor } from "../support/index.js";
import { buildClusterExample, startClusterExample, type ClusterExample } from "./cluster-example.js";
import { startRedis, type RedisServer } from "./redis-server.js";

// examples/cluster, rolling restart: SIGHUP to the primary replaces its workers one by one, each
// old worker handing its clients over (io.close({ handover })) to the others. Chat users of both
// client libraries keep sending numbered messages to one room throughout; every one of them must
// end with every message exactly once, each reconnection a recovered session.

const WORKERS = 2;
const USERS = 8;
const SEND_EVERY_MS = 60;

interface ChatUser {
  name: string;
  socket: {
    connected: boolean;
    recovered: boolean;
    id: string | undefined;
    on(ev: string, fn: (...args: never[]) => void): unknown;
    emit(ev: string, ...args: unknown[]): unknown;
    disconnect(): unknown;
  };
  sent: number;
  received: string[];
  connects: Array<{ id: string; recovered: boolean }>;
  timer: NodeJS.Timeout | undefined;
}

let redis: RedisServer;
let example: ClusterExample;
const users: ChatUser[] = [];

beforeAll(async () => {
  buildClusterExample();
  redis = await startRedis();
  example = await startClusterExample(redis.url, WORKERS, undefined, { HANDOVER_WINDOW_MS: "800" });
}, 120_000);

afterAll(async () => {
  for (const user of users.splice(0)) {
    clearInterval(user.timer);
    user.socket.disconnect();
  }
  await example?.stop();
  await redis?.stop();
}, 30_000);

async function chatUser(i: number): Promise<ChatUser> {
  const name = `roller${i}`;
  // Long-polling first, then the WebSocket upgrade, as the chat page connects.
  const options = { forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 500, auth: { token: await tokenFor(example.url, name) } };
  const socket = (i % 2 === 0 ? officialConnect(example.url, options) : switchboardConnect(example.url, options)) as unknown as ChatUser["socket"];
  const user: ChatUser = { name, socket, sent: 0, received: [], connects: [], timer: undefined };
  socket.on("connect", () => user.connects.push({ id: socket.id!, recovered: socket.recovered }));
  socket.on("message", (message: ChatMessage) => {
    if (message.kind === "user" && message.room === "rolling") user.received.push(message.id);
  });
  return user;
}

it("restarts the workers one by one on SIGHUP without losing or repeating a message", async () => {
  for (let i = 0; i < USERS; i++) users.push(await chatUser(i));
  await waitFor(() => users.every((u) => u.socket.connected), 15_000, "every user connected");
  for (const user of users) {
    const joined = await new Promise<JoinResult>((resolve) => user.socket.emit("join", "rolling", resolve));
    expect(joined).toMatchObject({ ok: true });
  }
  // Sent whatever the connection's state: while it is away, the client buffers them.
  for (const user of users) {
    user.timer = setInterval(
      () => user.socket.emit("message", { id: `${user.name}-${String(user.sent++).padStart(4, "0")}`, room: "rolling", text: "n" }, () => undefined),
      SEND_EVERY_MS,
    );
  }
  await waitFor(() => users.every((u) => u.received.length > USERS * 3), 15_000, "messages flowing");

  example.signal("SIGHUP");
  await waitFor(() => example.output().includes("rolling restart done"), 60_000, "the rolling restart");
  // Every user was on one of the old workers: each moved once, to a session it recovered.
  await waitFor(() => users.every((u) => u.connects.length >= 2 && u.socket.connected), 30_000, "every user back");
  expect(example.output().match(/replaced by worker/g)).toHaveLength(WORKERS);

  for (const user of users) clearInterval(user.timer);
  const expected = users.flatMap((user) => Array.from({ length: user.sent }, (_, n) => `${user.name}-${String(n).padStart(4, "0")}`)).sort();
  // On a failure, what is missing says more than the timeout.
  await waitFor(() => users.every((u) => new Set(u.received).size >= expected.length), 20_000, "every message on every user").catch(() => undefined);
  const faults = users.map((user) => {
    const seen = new Set(user.received);
    return { user: user.name, missing: expected.filter((id) => !seen.has(id)), duplicated: user.received.length - seen.size, connects: user.connects };
  });
  expect(faults).toEqual(
    users.map((user) => ({
      user: user.name,
      missing: [],
      duplicated: 0,
      connects: user.connects.map((c, i) => (i === 0 ? c : { recovered: true, id: user.connects[0].id })),
    })),
  );
}, 120_000);
