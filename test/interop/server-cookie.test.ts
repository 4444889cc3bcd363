import { connect as netConnect } from "node:net";
import { createServer, type Server as HttpServer } from "node:http";
import express from "express";
import Fastify from "fastify";
import { Engine, Server, type CookieOptions } from "@switchboard/server";
import { switchboard as expressSwitchboard } from "@switchboard/express";
import { switchboard as fastifySwitchboard } from "@switchboard/fastify";
import { closeServer, listen } from "../support/index.js";

// Issue 12, item 4: the `cookie` option reaches the wire only as exactly one valid Set-Cookie;
// invalid options are refused when the server is created, never at a handshake.

const INJECTED_DOMAIN = "example.com\r\nSet-Cookie: admin=1";

interface RawUpgrade {
  statusLine: string;
  /** Header lines of the 101, as written on the wire. */
  lines: string[];
}

/** Sends a WebSocket upgrade by hand and reads the raw answer head (Node's parsers would hide an injected line). */
function rawUpgrade(port: number, path: string): Promise<RawUpgrade> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, "127.0.0.1");
    let head = "";
    socket.on("error", reject);
    socket.on("connect", () => {
      socket.write(
        `GET ${path}?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
      );
    });
    socket.on("data", (chunk: Buffer) => {
      head += chunk.toString("latin1");
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) return;
      socket.destroy();
      const [statusLine, ...lines] = head.slice(0, end).split("\r\n");
      resolve({ statusLine: statusLine, lines });
    });
    socket.on("close", () => reject(new Error(`connection closed before a full answer: ${JSON.stringify(head)}`)));
  });
}

function setCookieLines(upgrade: RawUpgrade): string[] {
  return upgrade.lines.filter((line) => /^set-cookie:/i.test(line)).map((line) => line.slice(line.indexOf(":") + 1).trim());
}

/** A polling handshake: status, body and every Set-Cookie value. */
async function pollingHandshake(url: string, path: string): Promise<{ status: number; body: string; cookies: string[] }> {
  const res = await fetch(`${url}${path}?EIO=4&transport=polling`, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.text(), cookies: res.headers.getSetCookie() };
}

function sidOf(body: string): string {
  return (JSON.parse(body.slice(1).split("\x1e")[0]) as { sid: string }).sid;
}

describe("the cookie option on the wire", () => {
  let http: HttpServer | undefined;
  let io: Server | undefined;

  afterEach(async () => {
    await io?.close();
    if (http) await closeServer(http);
    io = undefined;
    http = undefined;
  });

  it("puts exactly one Set-Cookie on the polling handshake and on the WebSocket 101", async () => {
    const cookie: CookieOptions = { name: "sb", domain: "example.com", path: "/app", sameSite: "none", secure: true, maxAge: 60 };
    http = createServer();
    io = new Server(http, { cookie });
    const { url, port } = await listen(http);

    const polling = await pollingHandshake(url, "/socket.io/");
    expect(polling.status).toBe(200);
    expect(polling.cookies).toEqual([
      `sb=${encodeURIComponent(sidOf(polling.body))}; Max-Age=60; Domain=example.com; Path=/app; HttpOnly; Secure; SameSite=None`,
    ]);

    const upgrade = await rawUpgrade(port, "/socket.io/");
    expect(upgrade.statusLine).toBe("HTTP/1.1 101 Switching Protocols");
    const cookies = setCookieLines(upgrade);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(/^sb=[^;]+; Max-Age=60; Domain=example\.com; Path=\/app; HttpOnly; Secure; SameSite=None$/);
  });

  it("refuses invalid options when the server is created, naming the field", async () => {
    const invalid: Array<[string, CookieOptions]> = [
      ["cookie.domain", { domain: INJECTED_DOMAIN }],
      ["cookie.path", { path: "/; Domain=evil.example" }],
      ["cookie.sameSite", { sameSite: "lax; Secure" as "lax" }],
      ["cookie.name", { name: "bad name" }],
      ["cookie.maxAge", { maxAge: NaN }],
      ["cookie.expires", { expires: new Date("not a date") }],
    ];
    const refusal = (field: string) =>
      expect.objectContaining({ name: "TypeError", code: "INVALID_COOKIE_OPTION", message: expect.stringContaining(`"${field}"`) });
    for (const [field, cookie] of invalid) {
      expect(() => new Server({ cookie })).toThrow(refusal(field));
      expect(() => new Engine({ cookie })).toThrow(refusal(field));
      expect(() => expressSwitchboard({ cookie })).toThrow(refusal(field));
      const app = Fastify();
      await expect(app.register(fastifySwitchboard, { cookie }).ready()).rejects.toThrow(refusal(field));
      await app.close();
    }
    // Attached at construction: nothing is left listening on the HTTP server.
    http = createServer();
    expect(() => new Server(http, { cookie: { domain: INJECTED_DOMAIN } })).toThrow(refusal("cookie.domain"));
    expect(http.listenerCount("upgrade")).toBe(0);
    // Options given to attach() are checked as well.
    io = new Server();
    expect(() => io!.attach(http!, { cookie: { path: "/a;b" } })).toThrow(refusal("cookie.path"));
  });

  it("serves the same valid cookie through the Express middleware and the Fastify plugin", async () => {
    const app = express();
    const realtime = expressSwitchboard({ cookie: { name: "sb", sameSite: "strict" } });
    app.use(realtime);
    http = await new Promise<HttpServer>((resolve) => {
      const server = app.listen(0, "127.0.0.1", () => resolve(server));
    });
    io = realtime.io;
    const { port } = http.address() as { port: number };
    const polling = await pollingHandshake(`http://127.0.0.1:${port}`, "/socket.io/");
    expect(polling.cookies).toEqual([`sb=${encodeURIComponent(sidOf(polling.body))}; Path=/; HttpOnly; SameSite=Strict`]);
    expect(setCookieLines(await rawUpgrade(port, "/socket.io/"))).toHaveLength(1);

    const fastify = Fastify();
    try {
      await fastify.register(fastifySwitchboard, { cookie: { name: "sb", sameSite: "strict" } });
      await fastify.listen({ port: 0, host: "127.0.0.1" });
      const fastifyPort = (fastify.server.address() as { port: number }).port;
      const answer = await pollingHandshake(`http://127.0.0.1:${fastifyPort}`, "/socket.io/");
      expect(answer.cookies).toEqual([`sb=${encodeURIComponent(sidOf(answer.body))}; Path=/; HttpOnly; SameSite=Strict`]);
      expect(setCookieLines(await rawUpgrade(fastifyPort, "/socket.io/"))).toHaveLength(1);
    } finally {
      await fastify.close();
    }
  });
});

describe("a handshake never fails on the cookie", () => {
  let engine: Engine | undefined;
  let http: HttpServer | undefined;

  afterEach(async () => {
    engine?.close();
    if (http) await closeServer(http);
    engine = undefined;
    http = undefined;
  });

  /** An engine whose cookie options were changed after construction, past validation. */
  async function engineWithCorruptedCookie(cookie: Partial<CookieOptions>): Promise<{ url: string; port: number }> {
    engine = new Engine({ cookie: true });
    Object.assign(engine.opts.cookie as CookieOptions, cookie);
    const listening = await listen();
    http = listening.server;
    engine.attach(http);
    return listening;
  }

  it("answers a polling handshake without the cookie instead of throwing", async () => {
    const { url } = await engineWithCorruptedCookie({ domain: INJECTED_DOMAIN });
    const polling = await pollingHandshake(url, "/engine.io/");
    expect(polling.status).toBe(200);
    expect(polling.body.startsWith("0{")).toBe(true);
    expect(polling.cookies).toEqual([]);
    expect(engine!.clientsCount).toBe(1);
  });

  it("injects nothing into the 101 and leaves the cookie out", async () => {
    const { port } = await engineWithCorruptedCookie({ domain: INJECTED_DOMAIN });
    // A header value set by a listener cannot inject lines either.
    engine!.on("initial_headers", (headers) => (headers["X-Note"] = "a\r\nSet-Cookie: admin=2"));
    const upgrade = await rawUpgrade(port, "/engine.io/");
    expect(upgrade.statusLine).toBe("HTTP/1.1 101 Switching Protocols");
    expect(setCookieLines(upgrade)).toEqual([]);
    expect(upgrade.lines.some((line) => /admin|x-note/i.test(line))).toBe(false);
  });

  it("answers without the cookie when the name was made invalid after construction", async () => {
    const { url } = await engineWithCorruptedCookie({ name: "bad name" });
    const polling = await pollingHandshake(url, "/engine.io/");
    expect(polling.status).toBe(200);
    expect(polling.cookies).toEqual([]);
  });
});
