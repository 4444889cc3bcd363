/* eslint-disable @typescript-eslint/no-explicit-any */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { Server as OfficialServer } from "socket.io";
import { Server as SwitchboardServer } from "@switchboard/server";
import { ensureClientBundle } from "../client/ensure-bundle.js";
import { closeServer } from "../support/index.js";
import { startBrowserServer } from "./browser-server.js";

const CHROMIUM = "/usr/bin/chromium";

// Never a silent skip: without the browser, this suite fails and says what to install.
function assertChromium(): void {
  if (!existsSync(CHROMIUM)) {
    const where = process.env.CI === "true" ? "CI image" : "machine";
    throw new Error(`${CHROMIUM} is missing: install Debian's package \`chromium\` on this ${where} (apt-get install chromium)`);
  }
}

const servers: Array<[string, new (http: any, opts: any) => any]> = [
  ["the official socket.io server", OfficialServer],
  ["@switchboard/server", SwitchboardServer],
];

describe.each(servers)("@switchboard/client bundle in Chromium against %s", (_name, Server) => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startBrowserServer>>;

  beforeAll(async () => {
    assertChromium();
    await ensureClientBundle();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  }, 60000);

  beforeEach(async () => {
    server = await startBrowserServer((http) => {
      const io = new Server(http, { serveClient: false });
      io.on("connection", (socket: any) => {
        socket.on("hello", (name: string, cb: (r: string) => void) => cb(`hello ${name}`));
        socket.on("bytes", (buf: Buffer, cb: (r: number[]) => void) => cb([...buf].reverse()));
        socket.emit("question", 20, (answer: number) => socket.emit("answered", answer));
      });
      return io;
    });
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => server.io.close(() => resolve()));
    await closeServer(server.http);
  });

  afterAll(async () => {
    await browser?.close();
  });

  test("the global io() connects, upgrades to WebSocket and exchanges events with acks", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(server.url + "/");
      const result = await page.evaluate(async () => {
        const io = (globalThis as any).io;
        const socket = io();
        let first = "";
        // The handshake always goes over polling; the upgrade may finish before "connect".
        socket.io.on("open", () => (first = socket.io.engine.transport.name));
        const answered = new Promise((resolve) => socket.on("answered", resolve));
        socket.on("question", (n: number, cb: (r: number) => void) => cb(n + 1));
        await new Promise((resolve) => socket.on("connect", resolve));
        if (socket.io.engine.transport.name !== "websocket") {
          await new Promise((resolve) => socket.io.engine.on("upgrade", resolve));
        }
        const greeting = await socket.emitWithAck("hello", "chromium");
        const reversed = await socket.emitWithAck("bytes", new Uint8Array([1, 2, 3]));
        const answer = await answered;
        const out = {
          protocol: io.protocol,
          hasManager: typeof io.Manager === "function",
          first,
          transport: socket.io.engine.transport.name,
          greeting,
          reversed,
          answer,
          connected: socket.connected,
        };
        socket.disconnect();
        return out;
      });
      expect(result).toEqual({
        protocol: 5,
        hasManager: true,
        first: "polling",
        transport: "websocket",
        greeting: "hello chromium",
        reversed: [3, 2, 1],
        answer: 21,
        connected: true,
      });
    } finally {
      await page.close();
    }
  });

  test("the ESM bundle imports and connects over WebSocket only", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(server.url + "/");
      const result = await page.evaluate(async (url: string) => {
        const mod = await import(url + "/socket.io/socket.io.esm.min.js");
        const socket = mod.io({ transports: ["websocket"] });
        await new Promise((resolve) => socket.on("connect", resolve));
        const greeting = await socket.timeout(2000).emitWithAck("hello", "esm");
        const out = { transport: socket.io.engine.transport.name, greeting, same: mod.default === mod.io };
        socket.disconnect();
        return out;
      }, server.url);
      expect(result).toEqual({ transport: "websocket", greeting: "hello esm", same: true });
    } finally {
      await page.close();
    }
  });
});
