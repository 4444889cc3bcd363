import { WebSocket } from "ws";
import { request, type IncomingMessage } from "node:http";
import type { EngineConnectionError, EngineSocket } from "@switchboard/server";
import { once, waitFor } from "../support/index.js";
import { rawHandshake, rawRequest, startEngine, type EngineFixture } from "./engine-support.js";

let fx: EngineFixture;
afterEach(async () => {
  await fx.cleanup();
});

function collectErrors(): EngineConnectionError[] {
  const errors: EngineConnectionError[] = [];
  fx.engine.on("connection_error", (err: EngineConnectionError) => errors.push(err));
  return errors;
}

interface RawWebSocket {
  ws?: WebSocket;
  /** Text frames received so far (the open packet may arrive with the 101). */
  frames: string[];
  status?: number;
  body?: string;
  upgradeHeaders?: IncomingMessage["headers"];
}

/** Opens a raw WebSocket; resolves "open" or the refused HTTP status. */
function rawWebSocket(url: string): Promise<RawWebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const frames: string[] = [];
    let upgradeHeaders: IncomingMessage["headers"] | undefined;
    ws.on("message", (data) => frames.push(data.toString()));
    ws.on("upgrade", (res) => (upgradeHeaders = res.headers));
    ws.on("open", () => resolve({ ws, frames, upgradeHeaders }));
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode, body, frames }));
      res.on("error", reject);
    });
    ws.on("error", () => undefined);
  });
}

describe("engine error responses", () => {
  it.each([
    { code: 0, query: "EIO=4&transport=carrier-pigeon", method: "GET", status: 400, message: "Transport unknown" },
    { code: 1, query: "EIO=4&transport=polling&sid=doesnotexist", method: "GET", status: 400, message: "Session ID unknown" },
    { code: 2, query: "EIO=4&transport=polling", method: "POST", status: 400, message: "Bad handshake method" },
    { code: 3, query: "EIO=4&transport=websocket", method: "GET", status: 400, message: "Bad request" },
    { code: 5, query: "EIO=3&transport=polling", method: "GET", status: 400, message: "Unsupported protocol version" },
    { code: 5, query: "transport=polling", method: "GET", status: 400, message: "Unsupported protocol version" },
  ])("answers code $code ($message) with HTTP $status over polling", async ({ code, query, method, status, message }) => {
    fx = await startEngine();
    const errors = collectErrors();
    const res = await rawRequest(fx.url, query, { method, body: method === "POST" ? "4x" : undefined });
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(res.body)).toEqual({ code, message });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code, message });
    expect(errors[0].req.url).toContain(query);
    expect(typeof errors[0].context).toBe("object");
  });

  it("answers code 4 (Forbidden) with HTTP 403, with allowRequest's message if any", async () => {
    let message: string | null = null;
    fx = await startEngine({ allowRequest: (_req, cb) => cb(message, false) });
    const errors = collectErrors();
    const res = await rawRequest(fx.url, "EIO=4&transport=polling");
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toEqual({ code: 4, message: "Forbidden" });
    message = "no entry";
    const res2 = await rawRequest(fx.url, "EIO=4&transport=polling");
    expect(res2.status).toBe(403);
    expect(JSON.parse(res2.body)).toEqual({ code: 4, message: "no entry" });
    expect(errors.map((e) => e.code)).toEqual([4, 4]);
    expect(errors[1].context).toEqual({ message: "no entry" });
  });

  it("accepts what allowRequest accepts", async () => {
    fx = await startEngine({ allowRequest: (req, cb) => cb(null, req.headers["x-token"] === "ok") });
    expect((await rawRequest(fx.url, "EIO=4&transport=polling", { headers: { "x-token": "ok" } })).status).toBe(200);
    expect((await rawRequest(fx.url, "EIO=4&transport=polling")).status).toBe(403);
  });

  it("answers a polling request to a websocket session with code 3 (transport mismatch)", async () => {
    fx = await startEngine();
    const client = fx.client({ transports: ["websocket"] });
    await once(client, "open");
    const sid = client.id;
    const errors = collectErrors();
    const res = await rawRequest(fx.url, `EIO=4&transport=polling&sid=${sid}`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ code: 3, message: "Bad request" });
    expect(errors[0].context).toMatchObject({ name: "TRANSPORT_MISMATCH", transport: "polling", previousTransport: "websocket" });
  });

  it.each([
    { query: "EIO=4&transport=unknown", status: 400, code: 0 },
    { query: "EIO=4&transport=websocket&sid=nope", status: 400, code: 1 },
    { query: "EIO=3&transport=websocket", status: 400, code: 5 },
    { query: "EIO=4&transport=polling", status: 400, code: 3 },
  ])("refuses a bad WebSocket upgrade ($query) before any 101", async ({ query, status, code }) => {
    fx = await startEngine();
    const errors = collectErrors();
    const result = await rawWebSocket(`ws://127.0.0.1:${fx.port}/engine.io/?${query}`);
    expect(result.ws).toBeUndefined();
    expect(result.status).toBe(status);
    expect(JSON.parse(result.body!)).toMatchObject({ code });
    expect(errors.map((e) => e.code)).toEqual([code]);
  });

  it("only accepts the transports listed in the transports option", async () => {
    fx = await startEngine({ transports: ["websocket"] });
    const polling = await rawRequest(fx.url, "EIO=4&transport=polling");
    expect(JSON.parse(polling.body)).toEqual({ code: 0, message: "Transport unknown" });
    const wsOnly = fx.client({ transports: ["websocket"] });
    await once(wsOnly, "open");
    await fx.cleanup();
    fx = await startEngine({ transports: ["polling"] });
    const ws = await rawWebSocket(`ws://127.0.0.1:${fx.port}/engine.io/?EIO=4&transport=websocket`);
    expect(ws.ws).toBeUndefined();
    const client = fx.client({ transports: ["polling", "websocket"] });
    const [handshake] = await once<[Record<string, unknown>]>(client, "handshake");
    expect(handshake.upgrades).toEqual([]);
  });

  it("refuses a WebSocket handshake that allowRequest refuses (403)", async () => {
    fx = await startEngine({ allowRequest: (_req, cb) => cb("go away", false) });
    const result = await rawWebSocket(`ws://127.0.0.1:${fx.port}/engine.io/?EIO=4&transport=websocket`);
    expect(result.status).toBe(403);
    expect(JSON.parse(result.body!)).toEqual({ code: 4, message: "go away" });
    expect(fx.engine.clientsCount).toBe(0);
  });

  it("closes a second WebSocket of an upgraded session at once, as engine.io does, and keeps the session", async () => {
    fx = await startEngine();
    const client = fx.client({ transports: ["polling", "websocket"] });
    await once(client, "upgrade");
    const result = await rawWebSocket(`ws://127.0.0.1:${fx.port}/engine.io/?EIO=4&transport=websocket&sid=${client.id}`);
    // Opened, then closed by the server without a frame: the client sees a close, not an error.
    expect(result.status).toBeUndefined();
    await once(result.ws!, "close");
    expect(result.frames).toEqual([]);
    const session = fx.engine.clients[client.id];
    expect(session.readyState).toBe("open");
    expect(session.transport.name).toBe("websocket");
    const echoed = once<[string]>(client, "message");
    session.send("still here");
    expect(await echoed).toEqual(["still here"]);
  });
});

describe("engine CORS and cookie", () => {
  it("answers a CORS preflight and decorates responses", async () => {
    fx = await startEngine({
      cors: {
        origin: ["https://allowed.example"],
        credentials: true,
        methods: ["GET", "POST"],
        allowedHeaders: ["x-custom"],
        maxAge: 600,
        exposedHeaders: ["x-exposed"],
      },
    });
    const preflight = await rawRequest(fx.url, "EIO=4&transport=polling", {
      method: "OPTIONS",
      headers: { Origin: "https://allowed.example", "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://allowed.example");
    expect(preflight.headers.get("access-control-allow-credentials")).toBe("true");
    expect(preflight.headers.get("access-control-allow-methods")).toBe("GET,POST");
    expect(preflight.headers.get("access-control-allow-headers")).toBe("x-custom");
    expect(preflight.headers.get("access-control-max-age")).toBe("600");
    expect(preflight.headers.get("vary")).toContain("Origin");

    const handshake = await rawRequest(fx.url, "EIO=4&transport=polling", { headers: { Origin: "https://allowed.example" } });
    expect(handshake.status).toBe(200);
    expect(handshake.headers.get("access-control-allow-origin")).toBe("https://allowed.example");
    expect(handshake.headers.get("access-control-expose-headers")).toBe("x-exposed");

    const other = await rawRequest(fx.url, "EIO=4&transport=polling", { headers: { Origin: "https://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();

    const error = await rawRequest(fx.url, "EIO=4&transport=nope", { headers: { Origin: "https://allowed.example" } });
    expect(error.status).toBe(400);
    expect(error.headers.get("access-control-allow-origin")).toBe("https://allowed.example");
  });

  it("supports origin functions, RegExps, '*' and refusing preflights without cors", async () => {
    fx = await startEngine({ cors: { origin: (origin, cb) => cb(null, origin?.endsWith(".ok") ? true : /^https:\/\/re\./) } });
    const a = await rawRequest(fx.url, "EIO=4&transport=polling", { headers: { Origin: "https://x.ok" } });
    expect(a.headers.get("access-control-allow-origin")).toBe("https://x.ok");
    const b = await rawRequest(fx.url, "EIO=4&transport=polling", { headers: { Origin: "https://re.example" } });
    expect(b.headers.get("access-control-allow-origin")).toBe("https://re.example");
    await fx.cleanup();
    fx = await startEngine({ cors: {} });
    const star = await rawRequest(fx.url, "EIO=4&transport=polling", { headers: { Origin: "https://any.example" } });
    expect(star.headers.get("access-control-allow-origin")).toBe("*");
    await fx.cleanup();
    fx = await startEngine();
    const none = await rawRequest(fx.url, "EIO=4&transport=polling", { method: "OPTIONS", headers: { Origin: "https://any.example" } });
    expect(none.status).toBe(400);
    expect(JSON.parse(none.body)).toEqual({ code: 2, message: "Bad handshake method" });
  });

  it("sets the session cookie on the handshake only", async () => {
    fx = await startEngine({ cookie: true });
    const res = await rawRequest(fx.url, "EIO=4&transport=polling");
    const sid = JSON.parse(res.body.slice(1)).sid as string;
    expect(res.headers.get("set-cookie")).toBe(`io=${sid}; Path=/; HttpOnly; SameSite=Lax`);
    const post = await rawRequest(fx.url, `EIO=4&transport=polling&sid=${sid}`, { method: "POST", body: "4hi" });
    expect(post.body).toBe("ok");
    expect(post.headers.get("set-cookie")).toBeNull();
    const ws = await rawWebSocket(`ws://127.0.0.1:${fx.port}/engine.io/?EIO=4&transport=websocket`);
    await waitFor(() => ws.frames.length > 0);
    const wsSid = JSON.parse(ws.frames[0].slice(1)).sid as string;
    expect(ws.upgradeHeaders!["set-cookie"]).toEqual([`io=${wsSid}; Path=/; HttpOnly; SameSite=Lax`]);
    ws.ws!.close();
  });

  it("honours cookie options and the headers events", async () => {
    fx = await startEngine({ cookie: { name: "sess", path: "/app", httpOnly: false, sameSite: "strict" } });
    fx.engine.on("initial_headers", (headers: Record<string, string | string[]>) => (headers["X-Initial"] = "1"));
    fx.engine.on("headers", (headers: Record<string, string | string[]>) => (headers["X-Every"] = "1"));
    const res = await rawRequest(fx.url, "EIO=4&transport=polling");
    const sid = JSON.parse(res.body.slice(1)).sid as string;
    expect(res.headers.get("set-cookie")).toBe(`sess=${sid}; Path=/app; SameSite=Strict`);
    expect(res.headers.get("x-initial")).toBe("1");
    expect(res.headers.get("x-every")).toBe("1");
    const post = await rawRequest(fx.url, `EIO=4&transport=polling&sid=${sid}`, { method: "POST", body: "4hi" });
    expect(post.headers.get("x-initial")).toBeNull();
    expect(post.headers.get("x-every")).toBe("1");
  });
});

describe("engine limits and malformed input", () => {
  async function withWitness(): Promise<() => Promise<void>> {
    fx.engine.on("connection", (socket: EngineSocket) => socket.on("message", (data) => socket.send(data)));
    const witness = fx.client({ transports: ["polling", "websocket"] });
    await once(witness, "upgrade");
    return async () => {
      const echoed = once<[string]>(witness, "message");
      witness.send("still alive");
      expect((await echoed)[0]).toBe("still alive");
      expect(witness.readyState).toBe("open");
    };
  }

  it("answers 413 to a polling body over maxHttpBufferSize and closes that session", async () => {
    fx = await startEngine({ maxHttpBufferSize: 100 });
    const check = await withWitness();
    const { sid } = await rawHandshake(fx.url);
    const socket = fx.engine.clients[sid];
    const closed = once<[string]>(socket, "close");
    const res = await rawRequest(fx.url, `EIO=4&transport=polling&sid=${sid}`, { method: "POST", body: "4" + "x".repeat(200) });
    expect(res.status).toBe(413);
    expect((await closed)[0]).toBe("transport error");
    expect((await rawRequest(fx.url, `EIO=4&transport=polling&sid=${sid}`)).status).toBe(400);
    await check();
  });

  it("closes a WebSocket session whose message exceeds maxHttpBufferSize", async () => {
    fx = await startEngine({ maxHttpBufferSize: 100 });
    const check = await withWitness();
    const client = fx.client({ transports: ["websocket"] });
    await once(client, "open");
    const socket = fx.engine.clients[client.id];
    const closed = once<[string]>(socket, "close");
    const clientClosed = once(client, "close");
    client.send("x".repeat(200));
    expect((await closed)[0]).toBe("transport error");
    await clientClosed;
    await check();
  });

  it("closes a session whose client sends overlapping GETs (400)", async () => {
    fx = await startEngine();
    const check = await withWitness();
    const { sid } = await rawHandshake(fx.url);
    const closed = once<[string]>(fx.engine.clients[sid], "close");
    // The second GET must overlap the first: wait until the server has the first one.
    const firstArrived = once(fx.server, "request");
    const first = rawRequest(fx.url, `EIO=4&transport=polling&sid=${sid}`);
    await firstArrived;
    const second = await rawRequest(fx.url, `EIO=4&transport=polling&sid=${sid}`);
    expect(second.status).toBe(400);
    expect((await closed)[0]).toBe("transport error");
    const firstRes = await first;
    expect(firstRes.status).toBe(200);
    expect(firstRes.body).toBe("1");
    expect(fx.engine.clients[sid]).toBeUndefined();
    await check();
  });

  it("closes a session whose client sends overlapping POSTs (400)", async () => {
    fx = await startEngine();
    const check = await withWitness();
    const { sid } = await rawHandshake(fx.url);
    const closed = once<[string]>(fx.engine.clients[sid], "close");
    const target = `${fx.url}/engine.io/?EIO=4&transport=polling&sid=${sid}`;
    // First POST: headers and part of the body, then it stalls.
    const firstArrived = once(fx.server, "request");
    const first = request(target, { method: "POST", headers: { "Content-Length": "100" } });
    first.on("error", () => undefined);
    first.write("4partial");
    await firstArrived;
    const second = await rawRequest(fx.url, `EIO=4&transport=polling&sid=${sid}`, { method: "POST", body: "4second" });
    expect(second.status).toBe(400);
    expect((await closed)[0]).toBe("transport error");
    first.destroy();
    expect(fx.engine.clients[sid]).toBeUndefined();
    await check();
  });

  it("survives a pending poll whose connection drops", async () => {
    fx = await startEngine();
    const check = await withWitness();
    const { sid } = await rawHandshake(fx.url);
    const closed = once<[string]>(fx.engine.clients[sid], "close");
    const controller = new AbortController();
    const arrived = once(fx.server, "request");
    const pending = fetch(`${fx.url}/engine.io/?EIO=4&transport=polling&sid=${sid}`, { signal: controller.signal }).catch((err: Error) => err);
    await arrived;
    controller.abort();
    await pending;
    expect((await closed)[0]).toBe("transport error");
    await check();
  });

  it.each([
    { what: "an empty payload", body: "", reason: "parse error" },
    { what: "a bad packet type", body: "9oops", reason: "parse error" },
    { what: "invalid base64", body: "b@@@not-base64", reason: "parse error" },
    { what: "a bad record among good ones", body: "4fine\x1ez", reason: "parse error" },
    { what: "a client ping", body: "2", reason: "transport error" },
  ])("closes only the polling session that sends $what", async ({ body, reason }) => {
    fx = await startEngine();
    const check = await withWitness();
    const { sid } = await rawHandshake(fx.url);
    const closed = once<[string]>(fx.engine.clients[sid], "close");
    await rawRequest(fx.url, `EIO=4&transport=polling&sid=${sid}`, { method: "POST", body });
    expect((await closed)[0]).toBe(reason);
    expect((await rawRequest(fx.url, `EIO=4&transport=polling&sid=${sid}`)).status).toBe(400);
    await check();
  });

  it("refuses a binary polling body", async () => {
    fx = await startEngine();
    const { sid } = await rawHandshake(fx.url);
    const closed = once<[string]>(fx.engine.clients[sid], "close");
    const res = await rawRequest(fx.url, `EIO=4&transport=polling&sid=${sid}`, {
      method: "POST",
      body: "4x",
      headers: { "Content-Type": "application/octet-stream" },
    });
    expect(res.status).toBe(400);
    expect((await closed)[0]).toBe("transport error");
  });

  it.each([
    { what: "a bad packet type", frame: "9oops", reason: "parse error" },
    { what: "invalid base64", frame: "b@@@", reason: "parse error" },
    { what: "an empty frame", frame: "", reason: "parse error" },
    { what: "a client ping", frame: "2", reason: "transport error" },
  ])("closes only the WebSocket session that sends $what", async ({ frame, reason }) => {
    fx = await startEngine();
    const check = await withWitness();
    const { ws, frames } = await rawWebSocket(`ws://127.0.0.1:${fx.port}/engine.io/?EIO=4&transport=websocket`);
    await waitFor(() => frames.length > 0);
    const sid = JSON.parse(frames[0].slice(1)).sid as string;
    const closed = once<[string]>(fx.engine.clients[sid], "close");
    const wsClosed = once(ws!, "close");
    ws!.send(frame);
    expect((await closed)[0]).toBe(reason);
    await wsClosed;
    await check();
  });

  it("closes a probe that sends garbage without touching the polling session", async () => {
    fx = await startEngine();
    const { sid } = await rawHandshake(fx.url);
    const { ws } = await rawWebSocket(`ws://127.0.0.1:${fx.port}/engine.io/?EIO=4&transport=websocket&sid=${sid}`);
    const wsClosed = once(ws!, "close");
    ws!.send("4not a probe");
    await wsClosed;
    const socket = fx.engine.clients[sid];
    expect(socket.readyState).toBe("open");
    expect(socket.upgrading).toBe(false);
    expect(socket.transport.name).toBe("polling");
  });

  it("cancels an upgrade that does not complete within upgradeTimeout", async () => {
    fx = await startEngine({ upgradeTimeout: 100 });
    const { sid } = await rawHandshake(fx.url);
    const { ws } = await rawWebSocket(`ws://127.0.0.1:${fx.port}/engine.io/?EIO=4&transport=websocket&sid=${sid}`);
    const pollArrived = once(fx.server, "request");
    const poll = rawRequest(fx.url, `EIO=4&transport=polling&sid=${sid}`);
    await pollArrived;
    const reply = once<[Buffer]>(ws!, "message");
    ws!.send("2probe");
    expect((await reply)[0].toString()).toBe("3probe");
    expect((await poll).body).toBe("6");
    await once(ws!, "close");
    await waitFor(() => !fx.engine.clients[sid].upgrading);
    expect(fx.engine.clients[sid].transport.name).toBe("polling");
  });
});
