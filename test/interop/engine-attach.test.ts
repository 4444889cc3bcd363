import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import { gunzipSync } from "node:zlib";
import { WebSocket } from "ws";
import { Socket as ClientSocket } from "engine.io-client";
import { Engine, type EngineSocket, type WebSocketTransport } from "@switchboard/engine";
import { closeServer, listen, once, waitFor } from "../support/index.js";
import { rawHandshake, rawRequest, startEngine, type EngineFixture } from "./engine-support.js";

describe("engine wiring", () => {
  it("works wired by hand with handleRequest/handleUpgrade on a custom path", async () => {
    const engine = new Engine();
    const server = createServer((req, res) => {
      if (req.url?.startsWith("/custom/")) engine.handleRequest(req, res);
      else {
        res.writeHead(404);
        res.end();
      }
    });
    server.on("upgrade", (req, socket, head) => engine.handleUpgrade(req, socket, head));
    const { url } = await listen(server);
    engine.on("connection", (socket: EngineSocket) => socket.on("message", (data) => socket.send(`echo:${String(data)}`)));
    const clients = [
      new ClientSocket(url, { path: "/custom", transports: ["polling"] }),
      new ClientSocket(url, { path: "/custom", transports: ["websocket"] }),
      new ClientSocket(url, { path: "/custom", transports: ["polling", "websocket"] }),
    ];
    try {
      await once(clients[2], "upgrade");
      const replies = await Promise.all(
        clients.map(async (client, i) => {
          if (client.readyState !== "open") await once(client, "open");
          const reply = once<[string]>(client, "message");
          client.send(`hi${i}`);
          return (await reply)[0];
        }),
      );
      expect(replies).toEqual(["echo:hi0", "echo:hi1", "echo:hi2"]);
      expect(engine.clientsCount).toBe(3);
      expect(new Set(Object.values(engine.clients).map((s) => s.transport.name))).toEqual(new Set(["polling", "websocket"]));
    } finally {
      for (const client of clients) client.close();
      engine.close();
      await closeServer(server);
    }
  });

  it("attach keeps the server's other request listeners and honours path options", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("app");
    });
    const engine = new Engine({ path: "/rt" });
    engine.attach(server);
    const { url } = await listen(server);
    try {
      expect(await (await fetch(`${url}/other`)).text()).toBe("app");
      expect(await (await fetch(`${url}/rt-not-me/`)).text()).toBe("app");
      const client = new ClientSocket(url, { path: "/rt", transports: ["polling", "websocket"] });
      await once(client, "upgrade");
      expect(engine.clientsCount).toBe(1);
      client.close();
      await waitFor(() => engine.clientsCount === 0);
    } finally {
      engine.close();
      await closeServer(server);
    }
  });

  it("matches the path without a trailing slash when addTrailingSlash is false", async () => {
    const engine = new Engine({ addTrailingSlash: false });
    const { server, url } = await listen();
    engine.attach(server);
    const client = new ClientSocket(url, { addTrailingSlash: false, transports: ["polling", "websocket"] });
    try {
      await once(client, "upgrade");
      expect(engine.clientsCount).toBe(1);
    } finally {
      client.close();
      engine.close();
      await closeServer(server);
    }
  });

  it("closes the engine with its HTTP server", async () => {
    const fx = await startEngine();
    const client = fx.client({ transports: ["websocket"] });
    await once(client, "open");
    const closed = once(client, "close");
    await fx.cleanup();
    await closed;
    expect(fx.engine.clientsCount).toBe(0);
  });
});

describe("engine middlewares, ids and compression", () => {
  let fx: EngineFixture;
  afterEach(async () => {
    await fx.cleanup();
  });

  it("runs middlewares on polling requests and before upgrades (headers reach the 101)", async () => {
    fx = await startEngine();
    const seen: string[] = [];
    fx.engine.use((req, res, next) => {
      seen.push(new URL(req.url!, "http://x").searchParams.get("transport")!);
      res.setHeader("X-Middleware", "yes");
      next();
    });
    const res = await rawRequest(fx.url, "EIO=4&transport=polling");
    expect(res.headers.get("x-middleware")).toBe("yes");
    const upgradeHeaders = await new Promise<IncomingMessage["headers"]>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${fx.port}/engine.io/?EIO=4&transport=websocket`);
      ws.on("upgrade", (r) => resolve(r.headers));
      ws.on("open", () => ws.close());
      ws.on("error", reject);
    });
    expect(upgradeHeaders["x-middleware"]).toBe("yes");
    expect(seen).toEqual(["polling", "websocket"]);
  });

  it("refuses requests and upgrades a middleware fails (code 3) or answers itself", async () => {
    fx = await startEngine();
    const errors: unknown[] = [];
    fx.engine.on("connection_error", (err: { context: unknown }) => errors.push(err.context));
    fx.engine.use((req, res, next) => {
      if (req.headers["x-deny"] === "error") return next(new Error("denied"));
      if (req.headers["x-deny"] === "answer") {
        res.statusCode = 401;
        res.end();
        return;
      }
      next();
    });
    const failed = await rawRequest(fx.url, "EIO=4&transport=polling", { headers: { "x-deny": "error" } });
    expect(failed.status).toBe(400);
    expect(JSON.parse(failed.body)).toEqual({ code: 3, message: "Bad request" });
    expect(errors[0]).toMatchObject({ name: "MIDDLEWARE_FAILURE" });
    const answered = await rawRequest(fx.url, "EIO=4&transport=polling", { headers: { "x-deny": "answer" } });
    expect(answered.status).toBe(401);
    const statuses = await Promise.all(
      ["error", "answer"].map(
        (deny) =>
          new Promise<number>((resolve) => {
            const ws = new WebSocket(`ws://127.0.0.1:${fx.port}/engine.io/?EIO=4&transport=websocket`, { headers: { "x-deny": deny } });
            ws.on("unexpected-response", (_req, r) => {
              resolve(r.statusCode!);
              r.resume();
            });
            ws.on("error", () => undefined);
          }),
      ),
    );
    expect(statuses).toEqual([400, 401]);
    expect(fx.engine.clientsCount).toBe(0);
  });

  it("uses an overridden (async) generateId", async () => {
    let n = 0;
    class CustomEngine extends Engine {
      override async generateId(): Promise<string> {
        return `custom-${++n}`;
      }
    }
    const engine = new CustomEngine();
    const { server, url } = await listen();
    engine.attach(server);
    const a = new ClientSocket(url, { transports: ["polling", "websocket"] });
    const b = new ClientSocket(url, { transports: ["websocket"] });
    try {
      await Promise.all([once(a, "upgrade"), once(b, "open")]);
      expect(new Set([a.id, b.id])).toEqual(new Set(["custom-1", "custom-2"]));
      expect(Object.keys(engine.clients).sort()).toEqual(["custom-1", "custom-2"]);
    } finally {
      a.close();
      b.close();
      engine.close();
      await closeServer(server);
    }
  });

  it("compresses large polling responses when the client accepts it", async () => {
    fx = await startEngine();
    const big = "x".repeat(5000);
    const { sid } = await rawHandshake(fx.url);
    fx.engine.clients[sid].send(big);
    const raw = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
      const req = request(`${fx.url}/engine.io/?EIO=4&transport=polling&sid=${sid}`, { headers: { "Accept-Encoding": "gzip, deflate" } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ encoding: res.headers["content-encoding"], body: Buffer.concat(chunks) }));
      });
      req.on("error", reject);
      req.end();
    });
    expect(raw.encoding).toBe("gzip");
    expect(raw.body.length).toBeLessThan(1000);
    expect(gunzipSync(raw.body).toString()).toBe(`4${big}`);
  });

  it("does not compress with httpCompression false or below the threshold", async () => {
    fx = await startEngine({ httpCompression: false });
    const { sid } = await rawHandshake(fx.url);
    fx.engine.clients[sid].send("y".repeat(5000));
    const res = await rawRequest(fx.url, `EIO=4&transport=polling&sid=${sid}`, { headers: { "Accept-Encoding": "gzip" } });
    expect(res.headers.get("content-encoding")).toBeNull();
    expect(res.body).toBe(`4${"y".repeat(5000)}`);
  });

  it("negotiates permessage-deflate when enabled", async () => {
    fx = await startEngine({ perMessageDeflate: { threshold: 0 } });
    const connection = fx.nextConnection();
    const client = fx.client({ transports: ["websocket"] });
    const socket = await connection;
    await once(client, "open");
    expect((socket.transport as WebSocketTransport).socket.extensions).toContain("permessage-deflate");
    const got: unknown[] = [];
    client.on("message", (data) => got.push(data));
    socket.send("z".repeat(3000));
    // With deflate on, a prebuilt frame cannot be used: the engine falls back to wsPreEncoded.
    const bogusFrame = Buffer.from([0x81, 1, 0x21]);
    socket.send("ignored", { wsPreEncodedFrame: bogusFrame, wsPreEncoded: Buffer.from("4pre") });
    socket.send("small", { compress: false });
    await waitFor(() => got.length === 3);
    expect(got).toEqual(["z".repeat(3000), "pre", "small"]);
  });

  it("refuses a streamed (chunked) polling body over maxHttpBufferSize", async () => {
    fx = await startEngine({ maxHttpBufferSize: 1000 });
    const { sid } = await rawHandshake(fx.url);
    const closed = once<[string]>(fx.engine.clients[sid], "close");
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${fx.url}/engine.io/?EIO=4&transport=polling&sid=${sid}`, { method: "POST" }, (res: IncomingMessage) => {
        resolve(res.statusCode!);
        res.resume();
      });
      req.on("error", reject);
      // Two chunks, the second once the first has left: the limit is crossed mid-stream.
      req.write("4" + "a".repeat(600), () => req.end("a".repeat(600)));
    });
    expect(status).toBe(413);
    expect((await closed)[0]).toBe("transport error");
  });

  it("emits packet, packetCreate and the server-level flush/drain events", async () => {
    fx = await startEngine({ pingInterval: 50 });
    const connection = fx.nextConnection();
    const client = fx.client({ transports: ["websocket"] });
    const socket = await connection;
    const received: string[] = [];
    const created: string[] = [];
    let serverFlushes = 0;
    let serverDrains = 0;
    socket.on("packet", (p: { type: string }) => received.push(p.type));
    socket.on("packetCreate", (p: { type: string }) => created.push(p.type));
    fx.engine.on("flush", () => serverFlushes++);
    fx.engine.on("drain", () => serverDrains++);
    await once(client, "open");
    client.send("x");
    socket.send("y");
    await waitFor(() => received.includes("message") && received.includes("pong") && created.includes("ping"));
    expect(created).toContain("message");
    expect(serverFlushes).toBeGreaterThan(0);
    expect(serverDrains).toBeGreaterThan(0);
  });
});

describe("engine request handling without a server attach", () => {
  it("answers 400 to a non-GET/POST request on a session", async () => {
    const engine = new Engine();
    const server = createServer((req: IncomingMessage, res: ServerResponse) => engine.handleRequest(req, res));
    const { url } = await listen(server);
    try {
      const handshake = await fetch(`${url}/engine.io/?EIO=4&transport=polling`);
      const sid = JSON.parse((await handshake.text()).slice(1)).sid as string;
      const res = await fetch(`${url}/engine.io/?EIO=4&transport=polling&sid=${sid}`, { method: "PUT", body: "x" });
      expect(res.status).toBe(400);
      await res.text();
      expect(engine.clientsCount).toBe(1);
    } finally {
      engine.close();
      await closeServer(server);
    }
  });
});
