import { io as connect, type Socket as ClientSocket } from "socket.io-client";
import { createChatServer } from "../../../examples/chat/node/main.js";
import type { ChatMessage, ClientToServerEvents, ServerToClientEvents } from "../../../examples/chat/shared/events.js";
import { listen, once } from "../../support/index.js";

type ChatClient = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

describe("chat example (plain Node variant) with the official client", () => {
  let chat: ReturnType<typeof createChatServer>;
  let url: string;
  const clients: ChatClient[] = [];

  beforeEach(async () => {
    chat = createChatServer();
    ({ url } = await listen(chat.httpServer));
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    await chat.io.close();
  });

  async function user(transports: string[] = ["polling", "websocket"]): Promise<ChatClient> {
    const client: ChatClient = connect(url, { transports, forceNew: true, reconnection: false });
    clients.push(client);
    await once(client, "connect");
    return client;
  }

  it("serves the page and the client bundle", async () => {
    const page = await fetch(url + "/");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script src="/socket.io/socket.io.js">');
    const bundle = await fetch(url + "/socket.io/socket.io.js");
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-type")).toMatch(/javascript/);
    expect((await bundle.text()).length).toBeGreaterThan(1000);
    const missing = await fetch(url + "/../../package.json");
    expect(missing.status).toBe(404);
  });

  it("lets two users log in, join a room and talk", async () => {
    const alice = await user();
    const bob = await user(["websocket"]);
    expect(await alice.emitWithAck("login", "alice")).toEqual({ ok: true, rooms: ["general", "random"] });
    expect(await bob.emitWithAck("login", "bob")).toMatchObject({ ok: true });

    const aliceJoin = await alice.emitWithAck("join", "general");
    expect(aliceJoin).toMatchObject({ ok: true, room: "general", users: ["alice"], history: [] });
    const usersSeenByAlice = once<[string, string[]]>(alice, "users");
    const bobJoin = await bob.emitWithAck("join", "general");
    expect(bobJoin).toMatchObject({ ok: true, users: ["alice", "bob"] });
    expect(await usersSeenByAlice).toEqual(["general", ["alice", "bob"]]);

    const typing = once<[string, string, boolean]>(bob, "typing");
    alice.emit("typing", "general", true);
    expect(await typing).toEqual(["general", "alice", true]);

    const received = once<[ChatMessage]>(bob, "message");
    expect(await alice.emitWithAck("message", "general", "hello bob")).toEqual({ ok: true });
    const [message] = await received;
    expect(message).toMatchObject({ room: "general", from: "alice", text: "hello bob" });

    // History is kept for whoever joins later.
    const carol = await user();
    await carol.emitWithAck("login", "carol");
    const carolJoin = await carol.emitWithAck("join", "general");
    expect(carolJoin.ok && carolJoin.history.map((m) => m.text)).toEqual(["hello bob"]);
  });

  it("refuses a taken username and bad input with clear errors", async () => {
    const first = await user();
    const second = await user();
    await first.emitWithAck("login", "Dana");
    expect(await second.emitWithAck("login", "dana")).toEqual({ ok: false, error: 'the username "dana" is taken' });
    expect(await second.emitWithAck("login", "<script>")).toMatchObject({ ok: false });
    expect(await second.emitWithAck("join", "general")).toEqual({ ok: false, error: "log in first" });
    expect(await first.emitWithAck("message", "general", "x")).toEqual({ ok: false, error: "join the room first" });
    await first.emitWithAck("join", "general");
    expect(await first.emitWithAck("message", "general", "   ")).toMatchObject({ ok: false });
    // An event without the ack it expects is ignored, not a crash.
    (first as unknown as { emit(ev: string, ...args: unknown[]): void }).emit("login", "eve");
    expect(await first.emitWithAck("message", "general", "still here")).toEqual({ ok: true });
  });

  it("frees a username when its owner leaves and tells the room", async () => {
    const alice = await user();
    const bob = await user();
    await alice.emitWithAck("login", "alice");
    await bob.emitWithAck("login", "bob");
    await alice.emitWithAck("join", "general");
    await bob.emitWithAck("join", "general");
    const users = once<[string, string[]]>(bob, "users");
    alice.disconnect();
    expect(await users).toEqual(["general", ["bob"]]);
    const again = await user();
    expect(await again.emitWithAck("login", "alice")).toMatchObject({ ok: true });
  });
});
