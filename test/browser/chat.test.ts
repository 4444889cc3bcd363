import "reflect-metadata";
import type { AddressInfo } from "node:net";
import type { Server as HttpServer } from "node:http";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createChatServer } from "../../examples/chat/node/main.js";
import { createChatApp as createExpressChat } from "../../examples/chat/express/main.js";
import { createChatApp as createFastifyChat } from "../../examples/chat/fastify/main.js";
import { createChatApp as createNestChat } from "../../examples/chat/nestjs/main.js";
import { ensureClientBundle } from "../client/ensure-bundle.js";
import { closeServer, listen } from "../support/index.js";
import { launchChromium } from "./chromium.js";

interface RunningChat {
  url: string;
  close(): Promise<void>;
}

function urlOf(server: HttpServer): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// Each variant of examples/chat as a user starts it, on an ephemeral port.
const variants: Array<[string, () => Promise<RunningChat>]> = [
  [
    "plain Node",
    async () => {
      const { httpServer, io } = createChatServer();
      const { url } = await listen(httpServer);
      return { url, close: () => io.close() };
    },
  ],
  [
    "Express",
    async () => {
      const { app, io } = createExpressChat();
      const server = await new Promise<HttpServer>((resolve) => {
        const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
      });
      return {
        url: urlOf(server),
        close: async () => {
          await io.close();
          if (server.listening) await closeServer(server);
        },
      };
    },
  ],
  [
    "Fastify",
    async () => {
      const app = await createFastifyChat();
      await app.listen({ port: 0, host: "127.0.0.1" });
      return { url: urlOf(app.server), close: () => app.close() };
    },
  ],
  [
    "NestJS",
    async () => {
      const app = await createNestChat();
      await app.listen(0, "127.0.0.1");
      return { url: urlOf(app.getHttpServer()), close: () => app.close() };
    },
  ],
];

describe.each(variants)("the chat page in Chromium, %s variant", (_name, start) => {
  let browser: Browser;
  let chat: RunningChat;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await ensureClientBundle();
    browser = await launchChromium();
  }, 60000);

  beforeEach(async () => {
    chat = await start();
  });

  afterEach(async () => {
    // Pages first: their sockets close before the server waits for them.
    for (const context of contexts.splice(0)) await context.close();
    await chat.close();
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** A user in a browser of their own (separate contexts: no shared cookies or storage). */
  async function openChat(): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(chat.url + "/");
    await page.locator("#status", { hasText: /^connected \(websocket\)$/ }).waitFor();
    return page;
  }

  async function logIn(page: Page, username: string): Promise<void> {
    await page.fill("#username", username);
    await page.click("#login button");
  }

  test("two users log in, the second name is refused when taken, they talk and see each other typing", async () => {
    const alice = await openChat();
    const bob = await openChat();

    await logIn(alice, "alice");
    await alice.waitForSelector("#chat:not([hidden])");
    await logIn(bob, "alice");
    await bob.locator("#login-error", { hasText: /taken/ }).waitFor();
    expect(await bob.isVisible("#chat")).toBe(false);
    await logIn(bob, "bob");
    await bob.waitForSelector("#chat:not([hidden])");

    // Both in the first room; each sees the other in the room's user list.
    expect(await alice.textContent("#room-title")).toBe(await bob.textContent("#room-title"));
    await alice.locator("#users li", { hasText: /^bob$/ }).waitFor();

    await alice.click("#text");
    await alice.keyboard.type("hello bob");
    await bob.locator("#typing", { hasText: /^alice is typing…$/ }).waitFor();
    await alice.press("#text", "Enter");
    await bob.locator("#messages li", { hasText: /^alicehello bob$/ }).waitFor();
    await bob.waitForSelector("#typing:empty", { state: "attached" });

    await bob.fill("#text", "hi alice");
    await bob.press("#text", "Enter");
    await alice.locator("#messages li", { hasText: /^bobhi alice$/ }).waitFor();
    expect(await alice.textContent("#send-error")).toBe("");
  }, 30000);
});
