import { afterEach, expect, it } from "@jest/globals";
import { io as connect, type ManagerOptions, type Socket as ClientSocket, type SocketOptions } from "socket.io-client";
import { io as switchboardConnect, type Socket as SwitchboardSocket } from "@switchboard/client";
import { ChatTokens } from "../../../examples/chat/shared/chat-tokens.js";
import type { ChatOptions } from "../../../examples/chat/shared/chat-setup.js";
import type { ChatMessage, ClientToServerEvents, JoinResult, ServerToClientEvents } from "../../../examples/chat/shared/events.js";
import { once, waitFor } from "../../support/index.js";
import { postJson, tokenFor } from "./chat-login.js";
import type { RunningChat, StartChat } from "./chat-variants.js";

type ChatClient = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

const SECRET = "chat-suite-secret-of-32-bytes-at-least";

/**
 * The arguments of the next `event`. With connection state recovery on, the server appends an
 * offset to the events it keeps; the official client passes it to listeners (ours removes it), so
 * only the event's own `count` arguments are kept.
 */
async function next<T extends unknown[]>(client: ChatClient, event: string, count: number): Promise<T> {
  return (await once<unknown[]>(client, event)).slice(0, count) as T;
}

/** Every message a client receives, in order. */
function record(client: ChatClient): ChatMessage[] {
  const messages: ChatMessage[] = [];
  client.on("message", (message) => messages.push(message));
  return messages;
}

let counter = 0;
const messageId = () => `msg-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 10)}`;

/**
 * The chat's server side, driven by the official socket.io-client (and @switchboard/client for the
 * token refresh), on any variant: the same behaviour whatever framework serves it.
 */
export function runChatSuite(start: StartChat): void {
  let chat: RunningChat | undefined;
  const clients: Array<{ disconnect(): unknown }> = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    await chat?.close();
    chat = undefined;
  });

  async function serve(options: ChatOptions = {}): Promise<RunningChat> {
    chat = await start({ secret: SECRET, ...options });
    return chat;
  }

  function open(auth: Record<string, unknown>, options: Partial<ManagerOptions & SocketOptions> = {}): ChatClient {
    const client: ChatClient = connect(chat!.url, { forceNew: true, reconnection: false, auth, ...options });
    clients.push(client);
    return client;
  }

  /** Logs in over HTTP, connects with the token, and enters `room`. */
  async function user(username: string, room = "general", options: Partial<ManagerOptions & SocketOptions> = {}) {
    const client = open({ token: await tokenFor(chat!.url, username) }, options);
    await once(client, "connect");
    const joined = (await client.timeout(5000).emitWithAck("join", room)) as JoinResult;
    if (!joined.ok) throw new Error(`join failed: ${joined.error}`);
    return { client, joined };
  }

  it("serves the page, its scripts, both icons and the client bundle", async () => {
    const { url } = await serve();
    const page = await fetch(`${url}/`);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('<script src="/socket.io/socket.io.js">');
    expect(html).toContain('<script type="module" src="/app.js">');
    for (const script of ["app.js", "conversation.js", "outbox.js", "session.js", "typing.js", "view.js"]) {
      const res = await fetch(`${url}/${script}`);
      expect([script, res.status, res.headers.get("content-type")]).toEqual([script, 200, expect.stringMatching(/javascript/)]);
    }
    const ico = await fetch(`${url}/favicon.ico`);
    expect([ico.status, ico.headers.get("content-type")]).toEqual([200, expect.stringMatching(/icon/)]);
    expect(Buffer.from(await ico.arrayBuffer()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
    const svg = await fetch(`${url}/favicon.svg`);
    expect([svg.status, svg.headers.get("content-type")]).toEqual([200, expect.stringMatching(/image\/svg\+xml/)]);
    const bundle = await fetch(`${url}/socket.io/socket.io.js`);
    expect([bundle.status, bundle.headers.get("content-type")]).toEqual([200, expect.stringMatching(/javascript/)]);
    expect((await fetch(`${url}/nope.txt`)).status).toBe(404);
    // Nothing outside the page's folder, even asked with encoded dots.
    const outside = await fetch(`${url}/%2e%2e/%2e%2e/package.json`);
    expect(outside.status).toBeGreaterThanOrEqual(400);
    expect(await outside.text()).not.toContain('"name"');
  });

  it("gives tokens at POST /login and refuses connections without a valid one", async () => {
    const { url } = await serve();
    expect(await postJson(`${url}/login`, { username: "<script>" })).toEqual({ status: 400, reply: { error: expect.stringMatching(/username/) } });
    expect((await postJson(`${url}/login`, "not an object")).status).toBe(400);

    const refusals = async (auth: Record<string, unknown>) => {
      const client = open(auth);
      const err = (await once<[Error & { data?: { code?: string } }]>(client, "connect_error"))[0];
      return err.data?.code;
    };
    expect(await refusals({})).toBe("missing_token");
    expect(await refusals({ token: "nonsense" })).toBe("invalid_token");
    const forged = await new ChatTokens({ secret: "another-secret-another-secret-!!" }).sign("mallory");
    expect(await refusals({ token: forged.token })).toBe("invalid_token");

    const { status, reply } = await postJson(`${url}/login`, { username: "Alice" });
    expect(status).toBe(200);
    expect(reply).toEqual({ username: "Alice", token: expect.any(String), expiresAt: expect.any(Number) });
    const alice = open({ token: (reply as { token: string }).token });
    await once(alice, "connect");
    // Taken while someone connected holds it, whatever the case.
    expect(await postJson(`${url}/login`, { username: "alice" })).toEqual({ status: 409, reply: { error: 'the username "alice" is taken' } });

    const fresh = await postJson(`${url}/refresh`, {}, { authorization: `Bearer ${(reply as { token: string }).token}` });
    expect(fresh).toEqual({ status: 200, reply: { username: "Alice", token: expect.any(String), expiresAt: expect.any(Number) } });
    expect(await postJson(`${url}/refresh`, {}, { authorization: "Bearer nonsense" })).toEqual({ status: 401, reply: { error: "invalid_token" } });
    expect((await postJson(`${url}/refresh`, {})).status).toBe(401);
  });

  it("two users: presence, notices, history, acknowledged messages sent once, typing", async () => {
    await serve();
    const { client: alice, joined: aliceJoined } = await user("alice");
    expect(aliceJoined).toMatchObject({ ok: true, room: "general", users: ["alice"], rooms: ["general", "random"] });
    expect(aliceJoined.ok && aliceJoined.history.map((m) => [m.kind, m.text])).toEqual([["system", "alice joined"]]);
    const heardByAlice = record(alice);
    const usersSeen = next<[string, string[]]>(alice, "users", 2);
    const online = new Promise<number>((resolve) => alice.on("online", (n) => n === 2 && resolve(n)));

    const { client: bob, joined: bobJoined } = await user("bob");
    expect(bobJoined).toMatchObject({ ok: true, users: ["alice", "bob"] });
    expect(await usersSeen).toEqual(["general", ["alice", "bob"]]);
    expect(await online).toBe(2);
    await waitFor(() => heardByAlice.some((m) => m.text === "bob joined"), 5000, "bob's join notice");
    expect(heardByAlice[0]).toMatchObject({ kind: "system", from: "bob", text: "bob joined", room: "general" });
    const heardByBob = record(bob);

    const typing = next<[string, string, boolean]>(bob, "typing", 3);
    alice.emit("typing", "general", true);
    expect(await typing).toEqual(["general", "alice", true]);

    // The ack carries the message as kept: the author comes from the token, the time from the server.
    const id = messageId();
    const sent = await alice.timeout(5000).emitWithAck("message", { id, room: "general", text: "hello bob" });
    expect(sent).toEqual({ ok: true, message: { id, room: "general", kind: "user", from: "alice", text: "hello bob", at: expect.any(Number) } });
    // Sent again (its ack lost in a reconnection): answered with the same message, not repeated.
    expect(await alice.timeout(5000).emitWithAck("message", { id, room: "general", text: "hello bob" })).toEqual(sent);
    // Someone else cannot reuse an id.
    expect(await bob.timeout(5000).emitWithAck("message", { id, room: "general", text: "me too" })).toEqual({ ok: false, error: "that message id is taken" });
    const second = await alice.timeout(5000).emitWithAck("message", { id: messageId(), room: "general", text: "second" });
    expect(second.ok).toBe(true);
    await waitFor(() => heardByBob.some((m) => m.text === "second"), 5000, "the second message");
    expect(heardByBob.map((m) => m.text)).toEqual(["hello bob", "second"]);

    // Bad input gets an error, never a crash; an event without its ack is ignored.
    expect(await bob.timeout(5000).emitWithAck("message", { id: "x", room: "general", text: "hi" })).toMatchObject({ ok: false });
    expect(await bob.timeout(5000).emitWithAck("message", { id: messageId(), room: "general", text: "   " })).toMatchObject({ ok: false });
    expect(await bob.timeout(5000).emitWithAck("message", { id: messageId(), room: "no spaces", text: "hi" })).toMatchObject({ ok: false });
    expect(await bob.timeout(5000).emitWithAck("join", "")).toMatchObject({ ok: false });
    (bob as unknown as { emit(ev: string, ...args: unknown[]): void }).emit("message", null);

    // Whoever comes later reads the recent history.
    const { joined: carolJoined } = await user("carol");
    expect(carolJoined.ok && carolJoined.history.map((m) => m.text)).toEqual(["alice joined", "bob joined", "hello bob", "second", "carol joined"]);
  });

  it("a room one user creates appears in everyone's list", async () => {
    await serve();
    const { client: alice } = await user("alice");
    const { client: bob } = await user("bob");
    const rooms = next<[string[]]>(bob, "rooms", 1);
    const joined = await alice.timeout(5000).emitWithAck("join", "project-x");
    expect(joined).toMatchObject({ ok: true, room: "project-x", users: ["alice"], rooms: ["general", "random", "project-x"] });
    expect(await rooms).toEqual([["general", "random", "project-x"]]);
  });

  it("logging out is announced at once; a dropped connection once its grace period is over", async () => {
    await serve({ leaveGraceMs: 100 });
    const { client: alice } = await user("alice");
    const heard = record(alice);
    const { client: bob } = await user("bob");
    const { client: carol } = await user("carol");
    // Alice's notices come over her own connection: carol's join ack may arrive before hers.
    await waitFor(() => heard.some((m) => m.text === "carol joined"), 5000, "carol's join notice");

    bob.disconnect();
    await waitFor(() => heard.some((m) => m.text === "bob left"), 5000, "bob's leave notice");

    // The connection drops (no namespace disconnect): the room's list changes at once, the notice after the grace period.
    const users = new Promise<string[]>((resolve) => alice.on("users", (_room, list) => list.length === 1 && resolve(list)));
    carol.io.engine.close();
    expect(await users).toEqual(["alice"]);
    await waitFor(() => heard.some((m) => m.text === "carol left"), 5000, "carol's leave notice");
    expect(heard.filter((m) => m.kind === "system").map((m) => m.text)).toEqual(["bob joined", "carol joined", "bob left", "carol left"]);
  });

  it("a dropped connection comes back with its session: same room, missed messages, no notices", async () => {
    await serve();
    const { client: alice } = await user("alice");
    const { client: bob } = await user("bob", "general", { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 100 });
    const heardByBob = record(bob);
    const firstId = bob.id;
    const away = new Promise((resolve) => alice.on("users", (_room, list) => list.length === 1 && resolve(list)));
    bob.io.engine.close();
    await away;
    expect(await alice.timeout(5000).emitWithAck("message", { id: messageId(), room: "general", text: "while you were away" })).toMatchObject({ ok: true });
    await once(bob, "connect");
    expect([bob.recovered, bob.id]).toEqual([true, firstId]);
    expect(await alice.timeout(5000).emitWithAck("message", { id: messageId(), room: "general", text: "welcome back" })).toMatchObject({ ok: true });
    await waitFor(() => heardByBob.length === 2, 5000, "both messages");
    expect(heardByBob.map((m) => m.text)).toEqual(["while you were away", "welcome back"]);
  });

  it("takes a fresh token on the live connection (@switchboard/client refreshAuth)", async () => {
    const { url } = await serve();
    const token = await tokenFor(url, "dana");
    const dana: SwitchboardSocket<ServerToClientEvents, ClientToServerEvents> = switchboardConnect(url, {
      forceNew: true,
      reconnection: false,
      auth: { token },
    });
    clients.push(dana);
    await once(dana, "connect");
    const fresh = await postJson(`${url}/refresh`, {}, { authorization: `Bearer ${token}` });
    await dana.refreshAuth({ token: (fresh.reply as { token: string }).token });
    // A token for someone else is refused; the connection stays.
    const other = await new ChatTokens({ secret: SECRET }).sign("eve");
    await expect(dana.refreshAuth({ token: other.token })).rejects.toMatchObject({ data: { code: "unauthorized" } });
    expect(dana.connected).toBe(true);
    expect(await dana.timeout(5000).emitWithAck("join", "general")).toMatchObject({ ok: true, users: ["dana"] });
  });
}
