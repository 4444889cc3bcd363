import type { Browser } from "playwright-core";
import { Server as OfficialServer } from "socket.io";
import { Server as SwitchboardServer } from "@switchboard/server";
import { ensureClientBundle } from "../client/ensure-bundle.js";
import { closeServer, waitFor } from "../support/index.js";
import { startBrowserServer } from "./browser-server.js";
import { launchChromium } from "./chromium.js";

const servers: Array<[string, new (http: any, opts: any) => any]> = [
  ["the official socket.io server", OfficialServer],
  ["@switchboard/server", SwitchboardServer],
];

describe.each(servers)("@switchboard/client bundle in Chromium against %s", (_name, Server) => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startBrowserServer>>;
  let disconnects: string[];

  beforeAll(async () => {
    await ensureClientBundle();
    browser = await launchChromium();
  }, 60000);

  beforeEach(async () => {
    disconnects = [];
    server = await startBrowserServer((http) => {
      const io = new Server(http, { serveClient: false });
      io.on("connection", (socket: any) => {
        socket.on("disconnect", (reason: string) => disconnects.push(reason));
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

  test("long-polling goes over fetch where XMLHttpRequest is missing", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(server.url + "/");
      const result = await page.evaluate(async () => {
        delete (globalThis as any).XMLHttpRequest;
        const socket = (globalThis as any).io({ transports: ["polling"] });
        await new Promise((resolve) => socket.on("connect", resolve));
        const greeting = await socket.timeout(2000).emitWithAck("hello", "fetch");
        const out = { transport: socket.io.engine.transport.name, greeting, xhr: typeof (globalThis as any).XMLHttpRequest };
        socket.disconnect();
        return out;
      });
      expect(result).toEqual({ transport: "polling", greeting: "hello fetch", xhr: "undefined" });
    } finally {
      await page.close();
    }
  });

  test("closeOnBeforeunload closes the connection on beforeunload; without it the connection stays", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(server.url + "/");
      const kept = await page.evaluate(async () => {
        const socket = (globalThis as any).io({ transports: ["websocket"], forceNew: true });
        await new Promise((resolve) => socket.on("connect", resolve));
        (globalThis as any).dispatchEvent(new Event("beforeunload"));
        const greeting = await socket.timeout(2000).emitWithAck("hello", "still here");
        socket.disconnect();
        return greeting;
      });
      expect(kept).toBe("hello still here");
      await waitFor(() => disconnects.length === 1, 5000, "the first socket's disconnect");
      expect(disconnects).toEqual(["client namespace disconnect"]);

      await page.evaluate(async () => {
        const socket = (globalThis as any).io({ transports: ["websocket"], forceNew: true, closeOnBeforeunload: true });
        await new Promise((resolve) => socket.on("connect", resolve));
        (globalThis as any).dispatchEvent(new Event("beforeunload"));
      });
      await waitFor(() => disconnects.length === 2, 5000, "the server to see the connection closed on beforeunload");
      expect(disconnects[1]).toBe("transport close");
    } finally {
      await page.close();
    }
  });

  test("going offline disconnects with 'transport close' at once, and the socket reconnects when back online", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(server.url + "/");
      await page.evaluate(async () => {
        const socket = (globalThis as any).io({ transports: ["websocket"], reconnectionDelay: 100, reconnectionDelayMax: 200 });
        (globalThis as any).events = [] as string[];
        socket.on("disconnect", (reason: string) => (globalThis as any).events.push(`disconnect:${reason}`));
        socket.on("connect", () => (globalThis as any).events.push("connect"));
        (globalThis as any).socket = socket;
        await new Promise((resolve) => socket.once("connect", resolve));
      });
      await context.setOffline(true);
      await page.waitForFunction(() => (globalThis as any).events.includes("disconnect:transport close"));
      await context.setOffline(false);
      await page.waitForFunction(() => (globalThis as any).events.filter((e: string) => e === "connect").length === 2, undefined, { timeout: 10000 });
      const greeting = await page.evaluate(() => (globalThis as any).socket.timeout(2000).emitWithAck("hello", "back"));
      expect(greeting).toBe("hello back");
      await page.evaluate(() => (globalThis as any).socket.disconnect());
    } finally {
      await context.close();
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
