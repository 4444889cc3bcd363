import { createServer, type IncomingMessage } from "node:http";
import { afterEach, describe, expect, it } from "@jest/globals";
import express from "express";
import session from "express-session";
import helmet from "helmet";
import { switchboard } from "@switchboard/express";
import { connected, refused, type RealtimeApp } from "../auth/harness.js";
import { Clients, closeServer, listen, once, upgradeHeaders } from "../../support/index.js";
import { startExpress } from "./start-express.js";

declare module "express-session" {
  interface SessionData {
    user: string;
  }
}

type SessionRequest = IncomingMessage & { session?: session.Session & Partial<session.SessionData> };

const sessions = () => session({ secret: "e2e-session-secret", resave: false, saveUninitialized: false });

/** Logs in through an HTTP route and returns the session cookie. */
async function login(url: string, user: string): Promise<string> {
  const res = await fetch(`${url}/login?user=${user}`, { method: "POST" });
  expect(res.status).toBe(200);
  const cookie = res.headers.get("set-cookie");
  expect(cookie).toMatch(/^connect\.sid=/);
  return cookie!.split(";")[0];
}

describe("@switchboard/express: the app's middlewares run on the handshake", () => {
  let app: RealtimeApp | undefined;
  const clients = new Clients();

  afterEach(async () => {
    await clients.closeAll();
    await app?.close();
    app = undefined;
  });

  const withSessions = () =>
    startExpress({}, (express) => {
      express.use(sessions());
      express.post("/login", (req, res) => {
        req.session.user = String(req.query.user);
        res.send("ok");
      });
    });

  const answerWhoami = (running: RealtimeApp) =>
    running.io.on("connection", (socket) => {
      socket.on("whoami", (ack: (user: unknown) => void) => ack((socket.request as SessionRequest).session?.user ?? null));
    });

  it("reads the session set by an HTTP route, for a WebSocket-only client", async () => {
    app = await withSessions();
    answerWhoami(app);
    const cookie = await login(app.url, "alice");
    const socket = await connected(clients.open(app.url, { transports: ["websocket"], extraHeaders: { cookie } }));
    expect(await socket.emitWithAck("whoami")).toBe("alice");
  });

  it("reads the session for a polling client that upgrades", async () => {
    app = await withSessions();
    answerWhoami(app);
    const cookie = await login(app.url, "bob");
    const socket = await connected(clients.open(app.url, { extraHeaders: { cookie } }));
    expect(await socket.emitWithAck("whoami")).toBe("bob");
    if (socket.io.engine.transport.name !== "websocket") await once(socket.io.engine, "upgrade");
    expect(await socket.emitWithAck("whoami")).toBe("bob");
  });

  it("has no session without the cookie", async () => {
    app = await withSessions();
    answerWhoami(app);
    const socket = await connected(clients.open(app.url, { transports: ["websocket"] }));
    expect(await socket.emitWithAck("whoami")).toBeNull();
  });

  it("refuses a WebSocket-only client when a middleware answers 401", async () => {
    app = await startExpress({}, (express) => {
      express.use((req, res, next) => (req.headers["x-api-key"] === "let-me-in" ? next() : res.status(401).send("unauthorized")));
    });
    const err = await refused(clients.open(app.url, { transports: ["websocket"] }));
    expect(err.message).toBe("websocket error");
    expect(app.io.of("/").sockets.size).toBe(0);
    await connected(clients.open(app.url, { transports: ["websocket"], extraHeaders: { "x-api-key": "let-me-in" } }));
    expect(app.io.of("/").sockets.size).toBe(1);
  });

  it("keeps the headers of helmet (mounted before) on polling answers", async () => {
    app = await startExpress({}, (express) => {
      express.use(helmet());
    });
    const res = await fetch(`${app.url}/socket.io/?EIO=4&transport=polling`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.text()).toMatch(/^0\{"sid":/);
  });

  it("puts the headers earlier middlewares set (helmet-style) on the WebSocket upgrade's 101 answer", async () => {
    app = await startExpress({}, (express) =>
      express.use((_req, res, next) => {
        res.setHeader("x-content-type-options", "nosniff");
        res.setHeader("content-length", "0"); // never copied: it would break the handshake
        next();
      }),
    );
    const headers = await upgradeHeaders(app.url);
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["content-length"]).toBeUndefined();
  });

  it("serves polling clients when express.text() read the POST bodies first", async () => {
    app = await startExpress({}, (parent) => parent.use(express.text()));
    app.io.on("connection", (socket) => socket.on("echo", (text: string, ack: (t: string) => void) => ack(text)));
    const socket = await connected(clients.open(app.url, { transports: ["polling"] }));
    expect(await socket.timeout(5000).emitWithAck("echo", "héllo")).toBe("héllo");
  });

  it("closes a polling session whose body a parser consumed without keeping it, instead of hanging", async () => {
    app = await startExpress({}, (parent) =>
      parent.use((req, _res, next) => {
        if (req.method !== "POST") return next();
        req.resume();
        req.on("end", () => next());
      }),
    );
    const closes: string[] = [];
    app.io.engine.on("connection", (conn) => conn.on("close", (reason: string) => closes.push(reason)));
    const handshake = await (await fetch(`${app.url}/socket.io/?EIO=4&transport=polling`)).text();
    const sid = (JSON.parse(handshake.slice(1)) as { sid: string }).sid;
    const res = await fetch(`${app.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
      method: "POST",
      body: "40",
      headers: { "content-type": "text/plain;charset=UTF-8" },
    });
    expect(res.status).toBe(400);
    await res.text();
    expect(closes).toEqual(["transport error"]);
  });

  it("lets a REST handler broadcast through realtime.io and req.app.locals.io", async () => {
    let sameIo = false;
    app = await startExpress(
      {},
      () => {},
      (express, realtime) => {
        express.post("/news", (req, res) => {
          sameIo = req.app.locals.io === realtime.io;
          realtime.io.emit("news", "breaking");
          res.json({ ok: true });
        });
      },
    );
    const socket = await connected(clients.open(app.url, { transports: ["websocket"] }));
    const news = once<[string]>(socket, "news");
    const res = await fetch(`${app.url}/news`, { method: "POST" });
    expect(await res.json()).toEqual({ ok: true });
    expect((await news)[0]).toBe("breaking");
    expect(sameIo).toBe(true);
  });
});

describe("@switchboard/express: mounting", () => {
  const clients = new Clients();
  afterEach(() => clients.closeAll());

  it("serves an http.createServer(app) after realtime.attach(server), middlewares included", async () => {
    const app = express();
    app.use(sessions());
    app.post("/login", (req, res) => {
      req.session.user = "carol";
      res.send("ok");
    });
    const realtime = switchboard();
    app.use(realtime);
    const server = createServer(app);
    realtime.attach(server);
    realtime.io.on("connection", (socket) => {
      socket.on("whoami", (ack: (user: unknown) => void) => ack((socket.request as SessionRequest).session?.user ?? null));
    });
    const { url } = await listen(server);
    const cookie = await login(url, "carol");
    const socket = await connected(clients.open(url, { transports: ["websocket"], extraHeaders: { cookie } }));
    expect(await socket.emitWithAck("whoami")).toBe("carol");
    await realtime.io.close();
    expect(server.listening).toBe(false);
  });

  it("works under a mount path", async () => {
    const app = express();
    const realtime = switchboard();
    app.use("/rt", realtime);
    realtime.io.on("connection", (socket) => socket.on("echo", (v: unknown, ack: (v: unknown) => void) => ack(v)));
    const { server, url } = await listen(createServer(app));
    realtime.attach(server);
    const ws = await connected(clients.open(url, { path: "/rt/socket.io", transports: ["websocket"] }));
    const polling = await connected(clients.open(url, { path: "/rt/socket.io", transports: ["polling"] }));
    expect(await ws.emitWithAck("echo", 1)).toBe(1);
    expect(await polling.emitWithAck("echo", 2)).toBe(2);
    // Server first: a client closing first still has a polling write in flight.
    const gone = once(polling, "disconnect");
    await realtime.io.close();
    await gone;
    await closeServer(server);
  });
});
