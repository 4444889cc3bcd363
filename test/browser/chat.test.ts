import type { Browser } from "playwright-core";
import { ensureClientBundle } from "../client/ensure-bundle.js";
import { chatVariants, type RunningChat } from "../e2e/chat/chat-variants.js";
import { launchChromium } from "./chromium.js";
import {
  DESKTOP,
  PHONE,
  PHONE_390,
  connectedOverWebSocket,
  logIn,
  message,
  notice,
  openChat,
  overflowsSideways,
  send,
  tokenOf,
  type ChatUser,
} from "./chat-page.js";

// examples/chat as a user meets it, in Chromium, on each variant: at phone and desktop widths,
// through a server restart and a network cut. One browser for the whole file.
let browser: Browser;

beforeAll(async () => {
  await ensureClientBundle();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe.each(chatVariants)("the chat page in Chromium, %s variant", (_name, start) => {
  let chat: RunningChat | undefined;
  const users: ChatUser[] = [];

  beforeEach(async () => {
    chat = await start({ secret: "first-secret-first-secret-first!" });
  });

  afterEach(async () => {
    // Pages first: their sockets close before the server waits for them.
    const errors = users.flatMap((user) => user.errors);
    for (const user of users.splice(0)) await user.context.close();
    await chat?.close();
    chat = undefined;
    expect(errors).toEqual([]);
  });

  async function user(viewport: { width: number; height: number }): Promise<ChatUser> {
    const opened = await openChat(browser, chat!.url, viewport);
    users.push(opened);
    return opened;
  }

  test("fits a phone and a desktop; keyboard login, timestamps, own messages, notices, shared rooms, typing", async () => {
    const alice = await user(DESKTOP);
    const bob = await user(PHONE);
    for (const viewport of [PHONE, PHONE_390]) {
      await bob.page.setViewportSize(viewport);
      expect([viewport.width, await overflowsSideways(bob.page)]).toEqual([viewport.width, false]);
    }

    // The name field has the focus: typing and Enter is all it takes; the focus moves to the message field.
    await alice.page.keyboard.type("alice");
    await alice.page.keyboard.press("Enter");
    await connectedOverWebSocket(alice.page);
    expect(await alice.page.evaluate("document.activeElement.id")).toBe("text");
    await logIn(bob.page, "bob");
    await notice(alice.page, "bob joined").waitFor();
    await alice.page.locator("#users li", { hasText: /^bob$/ }).waitFor();
    expect(await alice.page.locator("#messages li.notice time").first().textContent()).toMatch(/\d/);

    await alice.page.locator("#text").pressSequentially("hello bob");
    await bob.page.locator("#typing", { hasText: /^alice is typing…$/ }).waitFor();
    await alice.page.locator("#text").press("Enter");
    await message(alice.page, "hello bob", { mine: true, state: "delivered" }).waitFor();
    const received = message(bob.page, "hello bob");
    await received.waitFor();
    expect(await received.locator(".from").textContent()).toBe("alice");
    expect(await received.locator("time").textContent()).toMatch(/\d{1,2}.\d{2}/);
    expect(await message(alice.page, "hello bob", { mine: true }).locator(".from").textContent()).toBe("you");
    await bob.page.locator("#typing:empty").waitFor({ state: "attached" });

    // A long word wraps instead of pushing the page sideways.
    await send(bob.page, "x".repeat(300));
    await message(alice.page, "x".repeat(300)).waitFor();
    for (const viewport of [PHONE_390, PHONE]) {
      await bob.page.setViewportSize(viewport);
      expect([viewport.width, await overflowsSideways(bob.page)]).toEqual([viewport.width, false]);
    }
    expect(await overflowsSideways(alice.page)).toBe(false);

    // A room alice creates shows up in bob's list (behind the menu on a phone).
    await alice.page.locator("#room-name").fill("design");
    await alice.page.locator("#room-name").press("Enter");
    await alice.page.locator("#room-title", { hasText: /^# design$/ }).waitFor();
    await bob.page.locator("#menu").click();
    expect(await overflowsSideways(bob.page)).toBe(false);
    await bob.page.locator('#rooms button[data-room="design"]').click();
    await bob.page.locator("#room-title", { hasText: /^# design$/ }).waitFor();
    expect(await bob.page.locator("#sidebar").isVisible()).toBe(false);
    await notice(alice.page, "bob joined").waitFor();

    // Logging out is announced to the room at once.
    await bob.page.locator("#logout").click();
    await notice(alice.page, "bob left").waitFor();
    await bob.page.locator("#login-view").waitFor();
    await alice.page.locator("#users li", { hasText: /^bob$/ }).waitFor({ state: "detached" });
  }, 30_000);

  test("a server restart: a message sent while it is down waits as pending, then is delivered; nobody logs in again", async () => {
    const alice = await user(DESKTOP);
    const bob = await user(PHONE);
    await logIn(alice.page, "alice");
    await logIn(bob.page, "bob");
    await send(alice.page, "before the restart");
    await message(bob.page, "before the restart").waitFor();

    const tokenBefore = await tokenOf(alice.page);
    const port = chat!.port;
    await chat!.close();
    chat = undefined;
    await alice.page.locator("#status", { hasText: /^reconnecting…$/ }).waitFor();
    await send(alice.page, "sent while the server was down");
    await message(alice.page, "sent while the server was down", { mine: true, state: "pending" }).waitFor();
    await alice.page.locator("#send-note", { hasText: /^1 message waits for the connection/ }).waitFor();

    // Back on the same port with another secret: the old tokens are refused and the pages log in
    // again under the same names, by themselves.
    chat = await start({ secret: "second-secret-second-secret-sec!" }, port);
    await message(alice.page, "sent while the server was down", { mine: true, state: "delivered" }).waitFor();
    await connectedOverWebSocket(alice.page);
    await message(bob.page, "sent while the server was down").waitFor();
    await connectedOverWebSocket(bob.page);
    expect(await message(bob.page, "sent while the server was down").count()).toBe(1);
    expect(await tokenOf(alice.page)).not.toBe(tokenBefore);
    expect(await alice.page.locator("#me-name").textContent()).toBe("alice");
    expect(await alice.page.locator("#login-view").isVisible()).toBe(false);
    await alice.page.locator("#send-note:empty").waitFor({ state: "attached" });

    await send(bob.page, "and back");
    await message(alice.page, "and back").waitFor();
    // The restarted server lost its history (it is in memory): the pages keep what they showed.
    expect(await message(alice.page, "before the restart", { mine: true, state: "delivered" }).count()).toBe(1);
    expect(await message(bob.page, "before the restart").count()).toBe(1);
  }, 30_000);

  test("offline: a message typed without network is delivered once it is back", async () => {
    const alice = await user(PHONE_390);
    const bob = await user(DESKTOP);
    await logIn(alice.page, "alice");
    await logIn(bob.page, "bob");

    await alice.context.setOffline(true);
    await alice.page.locator("#status", { hasText: /^reconnecting…$/ }).waitFor();
    await send(alice.page, "typed offline");
    await message(alice.page, "typed offline", { mine: true, state: "pending" }).waitFor();
    await alice.context.setOffline(false);

    await message(alice.page, "typed offline", { mine: true, state: "delivered" }).waitFor();
    await message(bob.page, "typed offline").waitFor();
    await connectedOverWebSocket(alice.page);
    expect(await message(bob.page, "typed offline").count()).toBe(1);
    expect(await message(alice.page, "typed offline", { mine: true }).count()).toBe(1);
  }, 30_000);
});

describe("the chat page with short-lived tokens (plain Node variant)", () => {
  test("trades its token for a fresh one on the live connection: past the first token's expiry, never disconnected", async () => {
    const startNode = chatVariants[0][1];
    const chat = await startNode({ secret: "refresh-secret-refresh-secret-re", tokenTtlSeconds: 3 });
    const alice = await openChat(browser, chat.url, DESKTOP);
    try {
      await logIn(alice.page, "alice");
      // The page's socket is `globalThis.socket` (handy in the devtools console, and here).
      const firstId = await alice.page.evaluate(`(() => {
        globalThis.disconnects = 0;
        socket.on("disconnect", () => globalThis.disconnects++);
        return socket.id;
      })()`);
      // Three tokens seen: the page refreshed twice, at two thirds of each token's life, so the
      // first token (2 to 3 s) has expired by then; the server kept the connection each time.
      await alice.page.waitForFunction(`(globalThis.tokens ??= new Set()).add(JSON.parse(sessionStorage.getItem("chat.session")).token).size >= 3`, undefined, {
        polling: 50,
        timeout: 10_000,
      });
      expect(await alice.page.evaluate("[globalThis.disconnects, socket.id]")).toEqual([0, firstId]);
      await send(alice.page, "still here");
      await message(alice.page, "still here", { mine: true, state: "delivered" }).waitFor();
      expect(alice.errors).toEqual([]);
    } finally {
      await alice.context.close();
      await chat.close();
    }
  }, 30_000);
});
