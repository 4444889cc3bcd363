import type { Browser, BrowserContext, Page } from "playwright-core";
import { ensureClientBundle } from "../client/ensure-bundle.js";
import { buildClusterExample, startClusterExample, type ClusterExample } from "../redis/cluster-example.js";
import { startRedis, type RedisServer } from "../redis/redis-server.js";
import { launchChromium } from "./chromium.js";

// Issue 12, item 6: examples/cluster as its README runs it (primary, 2 workers, sticky sessions,
// Redis), opened in Chromium: the page's client polls with `sid=<worker>%7E...` before upgrading,
// and on any connection the browser may keep alive.
describe("the chat page of examples/cluster in Chromium", () => {
  let redis: RedisServer;
  let cluster: ClusterExample;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    buildClusterExample();
    await ensureClientBundle();
    redis = await startRedis();
    cluster = await startClusterExample(redis.url, 2);
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    // Pages first: their sockets close before the workers wait for them.
    for (const context of contexts.splice(0)) await context.close();
    await browser?.close();
    await cluster?.stop();
    await redis?.stop();
  }, 30_000);

  /** A user in a browser of their own, connected and upgraded. */
  async function openChat(): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(cluster.url + "/");
    await page.locator("#status", { hasText: /^connected \(websocket\)$/ }).waitFor();
    return page;
  }

  /** The cluster worker that owns the page's session (its id prefixes the session id). */
  async function workerOf(page: Page): Promise<string> {
    const sid = await page.evaluate("socket.io.engine.id");
    return String(sid).split("~")[0]!;
  }

  async function logIn(page: Page, username: string): Promise<void> {
    await page.fill("#username", username);
    await page.click("#login button");
    await page.waitForSelector("#chat:not([hidden])");
  }

  test("two users on different workers log in and talk", async () => {
    const alice = await openChat();
    // Handshakes go round-robin, as do the page's other requests: open pages until one lands on
    // the other worker.
    let bob = await openChat();
    for (let tries = 0; (await workerOf(bob)) === (await workerOf(alice)); tries++) {
      if (tries === 8) throw new Error("every page landed on the same worker");
      bob = await openChat();
    }

    await logIn(alice, "alice");
    await logIn(bob, "bob");
    expect(await alice.textContent("#room-title")).toBe(await bob.textContent("#room-title"));
    // The room's user list comes from every worker (fetchSockets through Redis).
    await alice.locator("#users li", { hasText: /^bob$/ }).waitFor();

    await alice.fill("#text", "hello from worker " + (await workerOf(alice)));
    await alice.press("#text", "Enter");
    await bob.locator("#messages li", { hasText: new RegExp(`^alicehello from worker ${await workerOf(alice)}$`) }).waitFor();

    await bob.fill("#text", "hi alice");
    await bob.press("#text", "Enter");
    await alice.locator("#messages li", { hasText: /^bobhi alice$/ }).waitFor();
    expect(await alice.textContent("#send-error")).toBe("");
    expect(await bob.textContent("#send-error")).toBe("");
    expect(await alice.textContent("#status")).toBe("connected (websocket)");
  }, 60_000);
});
