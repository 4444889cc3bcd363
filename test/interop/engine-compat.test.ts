// engine.io behaviours the engine's users rely on (found running engine.io's own suite against
// ours), checked with raw HTTP/WebSocket and the official engine.io-client.
import { request, type IncomingMessage } from "node:http";
import { WebSocket } from "ws";
import session from "express-session";
import { Engine, type EngineConnectionError, type EngineSocket, type OutgoingPacket } from "@switchboard/engine";
import { once, waitFor } from "../support/index.js";
import { rawHandshake, rawRequest, startEngine, type EngineFixture } from "./engine-support.js";

let fx: EngineFixture;
afterEach(async () => {
  await fx.cleanup();
});

const poll = (sid: string) => rawRequest(fx.url, `EIO=4&transport=polling&sid=${sid}`);
const push = (sid: string, body: string) => rawRequest(fx.url, `EIO=4&transport=polling&sid=${sid}`, { method: "POST", body });

describe("engine.io compatibility: writes", () => {
  it("answers the handshake with the open packet alone; what connection listeners send comes next", async () => {
    fx = await startEngine({ initialPacket: "init" });
    fx.engine.on("connection", (socket: EngineSocket) => socket.send("from the listener"));
    const res = await rawRequest(fx.url, "EIO=4&transport=polling");
    const records = res.body.split("\x1e");
    expect(records).toHaveLength(2);
    expect(records[0]).toMatch(/^0\{"sid"/);
    expect(records[1]).toBe("4init");
    const sid = (JSON.parse(records[0].slice(1)) as { sid: string }).sid;
    expect((await poll(sid)).body).toBe("4from the listener");
  });

  it("sends an empty message for null or undefined, and the text of a number or a boolean", async () => {
    fx = await startEngine();
    const connection = fx.nextConnection();
    const { sid } = await rawHandshake(fx.url);
    const socket = await connection;
    socket.send(null);
    socket.send(undefined);
    socket.send(42);
    socket.write(false);
    expect((await poll(sid)).body).toBe("4\x1e4\x1e442\x1e4false");
  });

  it("shows packetCreate listeners the options with compress defaulting to true", async () => {
    fx = await startEngine();
    const connection = fx.nextConnection();
    await rawHandshake(fx.url);
    const socket = await connection;
    const created: OutgoingPacket[] = [];
    socket.on("packetCreate", (packet) => created.push(packet));
    socket.send("a");
    socket.send("b", { compress: false });
    expect(created.map((p) => p.options?.compress)).toEqual([true, false]);
  });

  it("lets a close listener read the packets that never left, then empties the buffer", async () => {
    fx = await startEngine();
    const connection = fx.nextConnection();
    await rawHandshake(fx.url);
    const socket = await connection;
    socket.send("never sent");
    const seen: unknown[] = [];
    socket.on("close", () => seen.push(...socket.writeBuffer.map((p) => p.data)));
    socket.close(true);
    expect(seen).toEqual(["never sent"]);
    expect(socket.writeBuffer).toEqual([]);
  });

  it("engine.close() drops what is buffered: the polling client never gets it, its next poll is refused", async () => {
    fx = await startEngine();
    const reasons: string[] = [];
    fx.engine.on("connection", (socket: EngineSocket) => {
      socket.on("close", (reason) => reasons.push(reason));
      socket.send("dropped");
      fx.engine.close();
    });
    // The handshake was answered (the open packet alone) before the listener ran.
    const { sid } = await rawHandshake(fx.url);
    expect(reasons).toEqual(["forced close"]);
    const res = await poll(sid);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ code: 1, message: "Session ID unknown" });
  });
});

describe("engine.io compatibility: closing", () => {
  it("ends a pending GET with a noop when the client sends close", async () => {
    fx = await startEngine();
    const connection = fx.nextConnection();
    const { sid } = await rawHandshake(fx.url);
    const socket = await connection;
    const pending = poll(sid);
    await waitFor(() => socket.transport.writable, 5000, "the GET to be pending");
    const closed = once<[string]>(socket, "close");
    expect((await push(sid, "1")).status).toBe(200);
    expect((await closed)[0]).toBe("transport close");
    expect((await pending).body).toBe("6");
    expect((await poll(sid)).status).toBe(400);
  });

  it("answers the GET after a server-side close with a noop, then the close packet", async () => {
    fx = await startEngine();
    const connection = fx.nextConnection();
    const { sid } = await rawHandshake(fx.url);
    const socket = await connection;
    socket.close();
    const closed = once<[string]>(socket, "close");
    expect((await poll(sid)).body).toBe("6\x1e1");
    expect((await closed)[0]).toBe("forced close");
  });

  it("cuts a POST still uploading when the session closes", async () => {
    fx = await startEngine();
    const connection = fx.nextConnection();
    const { sid } = await rawHandshake(fx.url);
    const socket = await connection;
    // Closes the session once the POST has reached its transport (middlewares run just before).
    fx.engine.use((req, _res, next) => {
      next();
      if (req.method === "POST") setImmediate(() => socket.close());
    });
    const upload = request(`${fx.url}/engine.io/?EIO=4&transport=polling&sid=${sid}`, { method: "POST", headers: { "Content-Length": "1000" } });
    const aborted = new Promise<void>((resolve) => {
      upload.on("error", () => resolve());
      upload.on("response", (res: IncomingMessage) => res.on("close", () => resolve()));
    });
    upload.write("4partial");
    await aborted;
    expect(socket.readyState).not.toBe("open");
  });

  it("emits close on a WebSocket transport whose client stops answering pings", async () => {
    fx = await startEngine({ pingInterval: 30, pingTimeout: 30 });
    const connection = fx.nextConnection();
    const silent = new WebSocket(`ws://127.0.0.1:${fx.port}/engine.io/?EIO=4&transport=websocket`);
    silent.on("error", () => undefined);
    const socket = await connection;
    const [reason] = await Promise.all([once<[string]>(socket, "close"), once(socket.transport, "close")]);
    expect(reason[0]).toBe("ping timeout");
  });

  it("emits close on a polling transport whose client sends garbage", async () => {
    fx = await startEngine();
    const connection = fx.nextConnection();
    const { sid } = await rawHandshake(fx.url);
    const socket = await connection;
    const transportClosed = once(socket.transport, "close");
    await push(sid, "9bad");
    await transportClosed;
    expect(socket.readyState).toBe("closed");
  });

  it("emits close on a probing transport whose upgrade times out", async () => {
    fx = await startEngine({ upgradeTimeout: 50 });
    const connection = fx.nextConnection();
    const { sid } = await rawHandshake(fx.url);
    const socket = await connection;
    const upgrading = once<[EngineSocket["transport"]]>(socket, "upgrading");
    const probe = new WebSocket(`ws://127.0.0.1:${fx.port}/engine.io/?EIO=4&transport=websocket&sid=${sid}`);
    probe.on("error", () => undefined);
    await once(probe, "open");
    probe.send("2probe");
    const [candidate] = await upgrading;
    await once(candidate, "close");
    expect(socket.transport.name).toBe("polling");
    expect(socket.readyState).toBe("open");
    probe.close();
  });
});

describe("engine.io compatibility: requests", () => {
  it("puts cache-control on polling answers, X-XSS-Protection for old IE, and emits transport headers events", async () => {
    fx = await startEngine();
    const connection = fx.nextConnection();
    const { sid } = await rawHandshake(fx.url);
    const socket = await connection;
    const seen = once<[Record<string, string>]>(socket.transport, "headers");
    socket.send("hi");
    const res = await rawRequest(fx.url, `EIO=4&transport=polling&sid=${sid}`, {
      headers: { "User-Agent": "Mozilla/5.0 (Windows NT 6.3; Trident/7.0; rv:11.0) like Gecko" },
    });
    const [headers] = await seen;
    expect(headers["cache-control"]).toBe("no-store");
    expect(headers["X-XSS-Protection"]).toBe("0");
    expect(res.headers.get("x-xss-protection")).toBe("0");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const plain = await rawRequest(fx.url, "EIO=4&transport=polling");
    expect(plain.headers.get("x-xss-protection")).toBeNull();
  });

  it.each(["polling", "websocket"] as const)("reports a generateId that rejects as ID_GENERATION_ERROR (%s)", async (transport) => {
    fx = await startEngine();
    fx.engine.generateId = () => Promise.reject(new Error("nope"));
    const errors = once<[EngineConnectionError]>(fx.engine, "connection_error");
    if (transport === "polling") {
      expect((await rawRequest(fx.url, "EIO=4&transport=polling")).status).toBe(400);
    } else {
      const ws = new WebSocket(`ws://127.0.0.1:${fx.port}/engine.io/?EIO=4&transport=websocket`);
      ws.on("error", () => undefined);
      await once(ws, "close");
    }
    const [error] = await errors;
    expect(error).toMatchObject({ code: 3, message: "Bad request", context: { name: "ID_GENERATION_ERROR" } });
  });

  it("lets a subclass override prepare() to add to the request", async () => {
    class TaggingEngine extends Engine {
      protected override prepare(req: IncomingMessage): void {
        super.prepare(req);
        (req as IncomingMessage & { _query: Record<string, string> })._query.tagged = "yes";
      }
    }
    fx = await startEngine();
    const engine = new TaggingEngine();
    engine.attach(fx.server, { path: "/tagged" });
    try {
      const connection = once<[EngineSocket]>(engine, "connection");
      await fetch(`${fx.url}/tagged/?EIO=4&transport=polling`);
      const [socket] = await connection;
      expect((socket.request as IncomingMessage & { _query: Record<string, string> })._query.tagged).toBe("yes");
    } finally {
      engine.close();
    }
  });

  it("sends express-session's cookie on the WebSocket 101", async () => {
    fx = await startEngine();
    fx.engine.use(session({ secret: "keyboard cat", resave: false, saveUninitialized: true }) as never);
    const ws = new WebSocket(`ws://127.0.0.1:${fx.port}/engine.io/?EIO=4&transport=websocket`);
    const [res] = await once<[IncomingMessage]>(ws, "upgrade");
    const cookies = res.headers["set-cookie"] ?? [];
    expect(cookies.some((c) => c.startsWith("connect.sid="))).toBe(true);
    ws.close();
  });

  it("lets a middleware refuse an upgrade with writeHead(status).end()", async () => {
    fx = await startEngine();
    fx.engine.use((req, res, next) => (req.headers["x-token"] === "ok" ? next() : res.writeHead(403, { "X-Why": "token" }).end()));
    const refused = new WebSocket(`ws://127.0.0.1:${fx.port}/engine.io/?EIO=4&transport=websocket`);
    refused.on("error", () => undefined);
    const [, res] = await once<[unknown, IncomingMessage]>(refused, "unexpected-response");
    expect(res.statusCode).toBe(403);
    res.resume();
    const accepted = new WebSocket(`ws://127.0.0.1:${fx.port}/engine.io/?EIO=4&transport=websocket`, { headers: { "x-token": "ok" } });
    await once(accepted, "open");
    accepted.close();
  });

  it("keeps the cors option as given, and takes headers as an alias of allowedHeaders", async () => {
    expect(new Engine({ cors: true }).opts.cors).toBe(true);
    fx = await startEngine({ cors: { origin: true, headers: ["my-header"], credentials: true } });
    const res = await rawRequest(fx.url, "EIO=4&transport=polling", { method: "OPTIONS", headers: { Origin: "http://engine.io" } });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://engine.io");
    expect(res.headers.get("access-control-allow-headers")).toBe("my-header");
  });
});
