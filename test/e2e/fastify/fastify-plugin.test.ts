import { afterEach, describe, expect, it } from "@jest/globals";
import Fastify from "fastify";
import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import { switchboard, withSwitchboard } from "@switchboard/fastify";
import { connected, refused, type RealtimeApp } from "../auth/harness.js";
import { Clients, upgradeHeaders } from "../../support/index.js";
import { startFastify } from "./start-fastify.js";

describe("@switchboard/fastify: the handshake goes through Fastify's router", () => {
  let app: RealtimeApp | undefined;
  const clients = new Clients();

  afterEach(async () => {
    await clients.closeAll();
    await app?.close();
    app = undefined;
  });

  it("runs onRequest hooks on polling requests and on WebSocket upgrades", async () => {
    const seen: string[] = [];
    app = await startFastify({}, (fastify) => {
      fastify.addHook("onRequest", async (request) => {
        seen.push(`${request.method} ${request.url}`);
      });
    });
    await connected(clients.open(app.url, { transports: ["polling"] }));
    await connected(clients.open(app.url, { transports: ["websocket"] }));
    expect(seen.some((line) => /^GET \/socket\.io\/\?.*transport=polling/.test(line))).toBe(true);
    expect(seen.some((line) => /^POST \/socket\.io\/\?.*transport=polling/.test(line))).toBe(true);
    expect(seen.some((line) => /^GET \/socket\.io\/\?.*transport=websocket/.test(line))).toBe(true);
  });

  it("refuses a WebSocket-only client when a hook answers 401, and a polling one too", async () => {
    const answered: number[] = [];
    app = await startFastify({}, (fastify) => {
      fastify.addHook("onRequest", async (request, reply) => {
        if (request.headers["x-api-key"] !== "let-me-in") {
          answered.push(401);
          return reply.code(401).send({ error: "unauthorized" });
        }
      });
    });
    const refusedWs = await refused(clients.open(app.url, { transports: ["websocket"], extraHeaders: { "x-api-key": "wrong" } }));
    expect(refusedWs.message).toBe("websocket error");
    const refusedPolling = await refused(clients.open(app.url, { transports: ["polling"] }));
    expect(refusedPolling.message).toBe("xhr poll error");
    expect(answered).toEqual([401, 401]);
    expect(app.io.of("/").sockets.size).toBe(0);
    // The hook lets a client with the key through, over WebSocket only.
    const socket = await connected(clients.open(app.url, { transports: ["websocket"], extraHeaders: { "x-api-key": "let-me-in" } }));
    expect(socket.connected).toBe(true);
  });

  it("answers a refused WebSocket upgrade with the hook's HTTP response, then closes the socket", async () => {
    app = await startFastify({}, (fastify) => {
      fastify.addHook("onRequest", async (_request, reply) => reply.code(401).header("x-reason", "no").send("go away"));
    });
    const { request } = await import("node:http");
    const response = await new Promise<{ status: number; reason: string | undefined; ended: boolean }>((resolve, reject) => {
      const req = request(`${app!.url}/socket.io/?EIO=4&transport=websocket`, {
        headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" },
      });
      req.on("upgrade", () => reject(new Error("upgraded")));
      req.on("response", (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, reason: res.headers["x-reason"] as string | undefined, ended: true }));
      });
      req.on("error", reject);
      req.end();
    });
    expect(response).toEqual({ status: 401, reason: "no", ended: true });
  });

  it("puts the headers an onRequest hook sets on the WebSocket upgrade's 101 answer", async () => {
    app = await startFastify({}, (fastify) => {
      fastify.addHook("onRequest", async (_request, reply) => {
        reply.header("x-request-id", "req-42");
        // A hook may not break the handshake: its own headers are never copied.
        reply.header("connection", "close");
      });
    });
    const headers = await upgradeHeaders(app.url);
    expect(headers["x-request-id"]).toBe("req-42");
    expect(headers["connection"]).toBe("Upgrade");
  });

  it("applies @fastify/rate-limit to long-polling requests and to WebSocket upgrades", async () => {
    app = await startFastify({}, async (fastify) => {
      await fastify.register(rateLimit, { global: true, max: 3, timeWindow: 60_000 });
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${app.url}/socket.io/?EIO=4&transport=polling`);
      await res.text();
      statuses.push(res.status);
    }
    const limited = await fetch(`${app.url}/socket.io/?EIO=4&transport=polling`);
    expect(statuses).toEqual([200, 200, 200]);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).not.toBeNull();
    await limited.text();
    // The same client (one IP) is refused on the upgrade too: the limit is the app's, whatever the transport.
    const { WebSocket } = await import("ws");
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${app!.url.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket`);
      ws.on("unexpected-response", (_req, res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      ws.on("open", () => reject(new Error("upgraded past the rate limit")));
      ws.on("error", () => undefined);
    });
    expect(status).toBe(429);
    expect(app.io.engine.clientsCount).toBe(3);
  });

  it("applies @fastify/cors to the polling handshake", async () => {
    app = await startFastify({}, async (fastify) => {
      await fastify.register(cors, { origin: "https://chat.example" });
    });
    const res = await fetch(`${app.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: "https://chat.example" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://chat.example");
    expect(await res.text()).toMatch(/^0\{"sid":/);
  });

  it("serves the client bundle through the app's hooks, on GET and HEAD", async () => {
    app = await startFastify({}, async (fastify) => {
      await fastify.register(cors, { origin: "https://chat.example" });
    });
    const headers = { origin: "https://chat.example" };
    const get = await fetch(`${app.url}/socket.io/socket.io.js`, { headers });
    expect([get.status, get.headers.get("access-control-allow-origin")]).toEqual([200, "https://chat.example"]);
    expect((await get.text()).length).toBeGreaterThan(1000);
    const head = await fetch(`${app.url}/socket.io/socket.io.js`, { method: "HEAD", headers });
    expect([head.status, await head.text()]).toEqual([200, ""]);
    expect((await fetch(`${app.url}/socket.io/nothing.js`)).status).toBe(404);
  });

  it("logs the handshakes with the app's logger", async () => {
    const lines: Array<{ msg?: string; req?: { url?: string } }> = [];
    const stream = { write: (line: string) => void lines.push(JSON.parse(line)) };
    app = await startFastify({}, () => {}, { logger: { level: "info", stream } });
    await connected(clients.open(app.url, { transports: ["websocket"] }));
    await connected(clients.open(app.url, { transports: ["polling"] }));
    const urls = lines.filter((line) => line.msg === "incoming request").map((line) => line.req?.url ?? "");
    expect(urls.some((url) => url.includes("transport=websocket"))).toBe(true);
    expect(urls.some((url) => url.includes("transport=polling"))).toBe(true);
  });

  it("leaves the app's own body parsers alone", async () => {
    app = await startFastify({}, (fastify) => {
      fastify.post("/api/echo", async (request) => ({ got: request.body }));
    });
    const res = await fetch(`${app.url}/api/echo`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' });
    expect(await res.json()).toEqual({ got: { a: 1 } });
  });
});

describe("@switchboard/fastify: plugin conventions", () => {
  it("throws a clear error when registered twice", async () => {
    const app = Fastify();
    await app.register(switchboard);
    await expect(app.register(switchboard)).rejects.toMatchObject({ code: "SWITCHBOARD_ALREADY_REGISTERED" });
    await app.close();
  });

  it("carries fastify-plugin metadata and exposes app.io", async () => {
    const app = Fastify();
    await app.register(switchboard, { path: "/rt" });
    expect(app.hasPlugin("@switchboard/fastify")).toBe(true);
    expect(app.io.path()).toBe("/rt");
    await app.close();
  });

  it("withSwitchboard returns the same app; close() before listen resolves", async () => {
    const fastify = Fastify();
    const app = await withSwitchboard(fastify, { pingInterval: 1000 });
    expect(app).toBe(fastify);
    expect(app.io).toBe(fastify.io);
    await fastify.close();
  });
});
