// JSONP long-polling in a real browser: socket.io-client 2.x with `forceJSONP` polls through
// <script> tags and posts through a form in a hidden iframe, against our server with `allowEIO3`.
import { readFile } from "node:fs/promises";
import { createServer, type Server as HttpServer } from "node:http";
import path from "node:path";
import type { Browser } from "playwright-core";
import { Server, type Socket } from "@switchboard/server";
import { closeServer, listen, once } from "../support/index.js";
import { v2ClientDir } from "../interop/v2-client.js";
import { launchChromium } from "./chromium.js";

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>jsonp</title>
<script src="/v2/socket.io.js"></script></head><body>ok</body></html>`;

describe("socket.io-client 2.x with forceJSONP in Chromium", () => {
  let browser: Browser;
  let http: HttpServer;
  let io: Server;
  let url: string;
  /** Engine requests as the browser made them: method, query and content type. */
  let requests: Array<{ method: string; query: URLSearchParams; type: string | undefined }>;

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60000);

  beforeEach(async () => {
    requests = [];
    const bundle = await readFile(path.join(v2ClientDir(), "dist/socket.io.js"));
    http = createServer((req, res) => {
      if (req.url === "/") {
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
        res.end(PAGE);
      } else if (req.url === "/v2/socket.io.js") {
        res.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8" });
        res.end(bundle);
      } else if (!req.url?.startsWith("/socket.io/")) {
        res.writeHead(404);
        res.end();
      }
    });
    io = new Server(http, { allowEIO3: true, serveClient: false });
    // Every polling answer goes through the engine's "headers" event, with its request.
    io.engine.on("headers", (_headers, req) => {
      requests.push({ method: req.method!, query: new URLSearchParams(req.url!.split("?")[1]), type: req.headers["content-type"] });
    });
    ({ url } = await listen(http));
  });

  afterEach(async () => {
    await io.close();
    await closeServer(http);
  });

  afterAll(async () => {
    await browser?.close();
  });

  test("connects, emits with an ack, and receives events, text and binary", async () => {
    const connection = once<[Socket]>(io, "connection", 10000);
    io.on("connection", (socket) => {
      socket.on("echo", (text: string, ack: (reply: string) => void) => ack(`server got: ${text}`));
      socket.on("ready", () => socket.emit("welcome", "hello </script> \u2028 page", Buffer.from([1, 2, 250])));
    });
    const page = await browser.newPage();
    try {
      await page.goto(url + "/");
      const result = await page.evaluate(async () => {
        const socket = (globalThis as any).io({ forceJSONP: true, transports: ["polling"], reconnection: false });
        await new Promise((resolve, reject) => {
          socket.on("connect", resolve);
          socket.on("connect_error", (err: Error) => reject(new Error(`connect_error: ${err.message}`)));
        });
        const reply = await new Promise((resolve) => socket.emit("echo", "line 1\nline 2 \\n </script>", resolve));
        const welcome = new Promise<[string, ArrayBuffer]>((resolve) => socket.on("welcome", (text: string, bytes: ArrayBuffer) => resolve([text, bytes])));
        socket.emit("ready");
        const [text, bytes] = await welcome;
        const transport = socket.io.engine.transport;
        const jsonp = typeof transport.index === "number" && transport.query.j !== undefined;
        socket.close();
        return { reply, text, bytes: Array.from(new Uint8Array(bytes)), jsonp };
      });
      expect(result.reply).toBe("server got: line 1\nline 2 \\n </script>");
      expect(result.text).toBe("hello </script> \u2028 page");
      expect(result.bytes).toEqual([1, 2, 250]);
      expect(result.jsonp).toBe(true);
      const [socket] = await connection;
      expect(socket.conn.protocol).toBe(3);
    } finally {
      await page.close();
    }
    // Every poll was a script (GET with j), every send a form post.
    const gets = requests.filter((r) => r.method === "GET");
    const posts = requests.filter((r) => r.method === "POST");
    expect(gets.length).toBeGreaterThan(1);
    expect(gets.every((r) => /^\d+$/.test(r.query.get("j") ?? ""))).toBe(true);
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((r) => r.type === "application/x-www-form-urlencoded" && r.query.has("j"))).toBe(true);
  }, 30000);
});
