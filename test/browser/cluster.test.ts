import type { Browser, Page } from "playwright-core";
import { ensureClientBundle } from "../client/ensure-bundle.js";
import { buildClusterExample, startClusterExample, type ClusterExample } from "../redis/cluster-example.js";
import { startRedis, type RedisServer } from "../redis/redis-server.js";
import { DESKTOP, PHONE, connectedOverWebSocket, logIn, message, notice, openChat, overflowsSideways, send, tokenOf, type ChatUser } from "./chat-page.js";
import { launchChromium } from "./chromium.js";

// examples/cluster as its README runs it (primary, 2 workers, sticky sessions, Redis), in
// Chromium: two users on different workers, then the whole cluster restarted, then a network cut.
// The tests follow each other (one cluster, one conversation).
describe("the chat page of examples/cluster in Chromium", () => {
  let redis: RedisServer;
  let cluster: ClusterExample | undefined;
  let browser: Browser;
  let alice: ChatUser;
  let bob: ChatUser;
  const users: ChatUser[] = [];

  beforeAll(async () => {
    buildClusterExample();
    await ensureClientBundle();
    redis = await startRedis();
    cluster = await startClusterExample(redis.url, 2);
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    // Pages first: their sockets close before the workers wait for them.
    const errors = users.flatMap((user) => user.errors);
    for (const user of users.splice(0)) await user.context.close();
    await browser?.close();
    await cluster?.stop();
    await redis?.stop();
    expect(errors).toEqual([]);
  }, 30_000);

  async function user(viewport: { width: number; height: number }): Promise<ChatUser> {
    const opened = await openChat(browser, cluster!.url, viewport);
    users.push(opened);
    return opened;
  }

  /** The cluster worker that owns the page's session (its id prefixes the session id). */
  async function workerOf(page: Page): Promise<string> {
    const sid = await page.evaluate("socket.io.engine.id");
    return String(sid).split("~")[0];
  }

  test("two users on different workers: presence, typing, notices, rooms and messages cross workers", async () => {
    alice = await user(DESKTOP);
    bob = await user(PHONE);
    await logIn(alice.page, "alice");
    await logIn(bob.page, "bob");
    // Handshakes go round-robin: reload bob's page (its token stays in the tab) until it lands on
    // the other worker. A reload is within the grace period: no leave or join notice.
    for (let tries = 0; (await workerOf(bob.page)) === (await workerOf(alice.page)); tries++) {
      if (tries === 8) throw new Error("every connection landed on the same worker");
      await bob.page.reload();
      await connectedOverWebSocket(bob.page);
    }

    // Presence comes from every worker (fetchSockets through Redis).
    await notice(alice.page, "bob joined").waitFor();
    await alice.page.locator("#users li", { hasText: /^bob$/ }).waitFor();
    // On a phone the list is behind the menu: there, not shown.
    await bob.page.locator("#users li", { hasText: /^alice$/ }).waitFor({ state: "attached" });
    await alice.page.locator("#online", { hasText: /^2 online$/ }).waitFor();

    await alice.page.locator("#text").pressSequentially("hello bob");
    await bob.page.locator("#typing", { hasText: /^alice is typing…$/ }).waitFor();
    await alice.page.locator("#text").press("Enter");
    await message(alice.page, "hello bob", { mine: true, state: "delivered" }).waitFor();
    await message(bob.page, "hello bob").waitFor();
    await send(bob.page, "hi alice");
    await message(alice.page, "hi alice").waitFor();

    // A room made on one worker is in everyone's list.
    await bob.page.locator("#menu").click();
    await bob.page.locator("#room-name").fill("ops");
    await bob.page.locator("#room-name").press("Enter");
    await bob.page.locator("#room-title", { hasText: /^# ops$/ }).waitFor();
    await alice.page.locator('#rooms button[data-room="ops"]').click();
    await notice(bob.page, "alice joined").waitFor();
    await bob.page.locator("#users li", { hasText: /^alice$/ }).waitFor({ state: "attached" });

    // A name is taken cluster-wide, whichever worker answers the login.
    const carol = await user(PHONE);
    await carol.page.locator("#username").fill("alice");
    await carol.page.locator("#username").press("Enter");
    await carol.page.locator("#login-error", { hasText: /taken/ }).waitFor();
    expect(await overflowsSideways(carol.page)).toBe(false);
    expect(await overflowsSideways(bob.page)).toBe(false);
  }, 60_000);

  test("the whole cluster restarts: a message sent meanwhile waits, then is delivered; history survives in Redis", async () => {
    const tokenBefore = await tokenOf(alice.page);
    const port = cluster!.port;
    await cluster!.stop();
    cluster = undefined;
    await alice.page.locator("#status", { hasText: /^reconnecting…$/ }).waitFor();
    await send(alice.page, "sent during the restart");
    await message(alice.page, "sent during the restart", { mine: true, state: "pending" }).waitFor();

    // New primary, new secret: the pages log in again by themselves, on whichever worker.
    cluster = await startClusterExample(redis.url, 2, port);
    await message(alice.page, "sent during the restart", { mine: true, state: "delivered" }).waitFor();
    await message(bob.page, "sent during the restart").waitFor();
    expect(await message(bob.page, "sent during the restart").count()).toBe(1);
    await connectedOverWebSocket(alice.page);
    expect(await tokenOf(alice.page)).not.toBe(tokenBefore);
    await alice.page.locator("#room-title", { hasText: /^# ops$/ }).waitFor();
    await bob.page.locator("#users li", { hasText: /^alice$/ }).waitFor({ state: "attached" });
    // The history outlived every process: it is in Redis.
    const dave = await user(DESKTOP);
    await logIn(dave.page, "dave");
    await message(dave.page, "hello bob").waitFor();
    await message(dave.page, "hi alice").waitFor();
  }, 60_000);

  test("offline: a message typed without network is delivered once it is back", async () => {
    await bob.context.setOffline(true);
    await bob.page.locator("#status", { hasText: /^reconnecting…$/ }).waitFor();
    await send(bob.page, "typed offline");
    await message(bob.page, "typed offline", { mine: true, state: "pending" }).waitFor();
    await bob.context.setOffline(false);
    await message(bob.page, "typed offline", { mine: true, state: "delivered" }).waitFor();
    await message(alice.page, "typed offline").waitFor();
    expect(await message(alice.page, "typed offline").count()).toBe(1);
    await connectedOverWebSocket(bob.page);
  }, 30_000);
});
