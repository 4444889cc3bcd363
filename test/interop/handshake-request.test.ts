// What `socket.request` keeps after the handshake: the fields applications read (headers, url,
// method, addresses) and whatever middlewares attached (express-session, passport, custom fields),
// not the IncomingMessage itself. The session and passport recipes of Socket.IO's docs must work.
import { createServer, IncomingMessage, type ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "@jest/globals";
import express from "express";
import session from "express-session";
import passport from "passport";
import { Server, type Socket } from "@switchboard/server";
import { Clients, closeServer, listen, type Listening } from "../support/index.js";

interface User {
  id: string;
  name: string;
}

type AppRequest = IncomingMessage & {
  session: session.Session & { visits?: number };
  user?: User;
  isAuthenticated(): boolean;
  tenant?: string;
  fromIoMiddleware?: boolean;
};

const USERS: Record<string, User> = { u1: { id: "u1", name: "ada" } };
passport.serializeUser<string>((user, done) => done(null, (user as User).id));
passport.deserializeUser<string>((id, done) => done(null, USERS[id] ?? false));

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** Socket.IO's recipe: run an express middleware on the handshake request only. */
function onlyForHandshake(middleware: Middleware): Middleware {
  return (req, res, next) => {
    if ((req as IncomingMessage & { _query?: { sid?: string } })._query?.sid === undefined) middleware(req, res, next);
    else next();
  };
}

describe("socket.request after the handshake", () => {
  let running: (Listening & { io: Server }) | undefined;
  const clients = new Clients();

  afterEach(async () => {
    await clients.closeAll();
    if (running) {
      await running.io.close();
      await closeServer(running.server);
    }
    running = undefined;
  });

  /** An express app with sessions and passport (a /login route), and a Switchboard server beside it. */
  async function start(): Promise<Listening & { io: Server }> {
    const sessionMiddleware = session({ secret: "handshake-request-test", resave: false, saveUninitialized: false });
    const app = express();
    app.use(sessionMiddleware);
    app.use(passport.session());
    app.post("/login", (req, res, next) => {
      req.login(USERS.u1, (err) => (err ? next(err) : res.send("ok")));
    });
    app.get("/visits", (req, res) => {
      res.json((req.session as AppRequest["session"]).visits ?? 0);
    });
    const httpServer = createServer(app);
    const io = new Server(httpServer);
    io.engine.use(onlyForHandshake(sessionMiddleware as Middleware));
    io.engine.use(onlyForHandshake(passport.session() as Middleware));
    io.engine.use(
      onlyForHandshake((req, _res, next) => {
        (req as AppRequest).tenant = "acme";
        next();
      }),
    );
    io.use((socket, next) => {
      (socket.request as AppRequest).fromIoMiddleware = true;
      next();
    });
    running = { ...(await listen(httpServer)), io };
    return running;
  }

  async function login(url: string): Promise<string> {
    const res = await fetch(`${url}/login`, { method: "POST" });
    expect(res.status).toBe(200);
    return res.headers.get("set-cookie")!.split(";")[0];
  }

  function nextConnection(io: Server): Promise<Socket> {
    return new Promise((resolve) => io.once("connection", resolve));
  }

  for (const transport of ["websocket", "polling"] as const) {
    it(`keeps passport's user and express-session's session, both usable (${transport})`, async () => {
      const { url, io } = await start();
      const cookie = await login(url);
      const connection = nextConnection(io);
      const client = clients.open(url, { transports: [transport], extraHeaders: { cookie } });
      const socket = await connection;
      const req = socket.request as AppRequest;
      expect(req.user).toEqual(USERS.u1);
      expect(req.isAuthenticated()).toBe(true);
      // The session still reloads and saves through its store after the handshake.
      await new Promise<void>((resolve, reject) => req.session.reload((err) => (err ? reject(err as Error) : resolve())));
      req.session.visits = 3;
      await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err as Error) : resolve())));
      const visits = (await (await fetch(`${url}/visits`, { headers: { cookie } })).json()) as number;
      expect(visits).toBe(3);
      expect(client.connected || (await new Promise((resolve) => client.once("connect", () => resolve(true))))).toBe(true);
    });

    it(`keeps headers, url, method, addresses and middleware fields, not the IncomingMessage (${transport})`, async () => {
      const { url, io } = await start();
      const connection = nextConnection(io);
      const client = clients.open(url, { transports: [transport], extraHeaders: { "x-custom": "yes" } });
      const socket = await connection;
      await new Promise<void>((resolve) => (client.connected ? resolve() : client.once("connect", () => resolve())));
      const req = socket.request as AppRequest;
      expect(req).not.toBeInstanceOf(IncomingMessage);
      expect(Object.keys(req)).not.toContain("_readableState");
      expect(req.headers["x-custom"]).toBe("yes");
      expect(req.url).toMatch(new RegExp(`^/socket\\.io/\\?.*transport=${transport}`));
      expect(req.method).toBe("GET");
      expect(req.socket.remoteAddress).toBe("127.0.0.1");
      expect(req.socket.remotePort).toEqual(expect.any(Number));
      expect(req.connection).toBe(req.socket);
      expect(req.socket.remoteFamily).toBe("IPv4");
      expect(req.tenant).toBe("acme");
      expect(req.fromIoMiddleware).toBe(true);
      // No login: passport found no user, the session middleware still ran.
      expect(req.user).toBeUndefined();
      expect(req.isAuthenticated()).toBe(false);
      expect(socket.handshake.address).toBe("127.0.0.1");
      expect(socket.handshake.headers["x-custom"]).toBe("yes");
      expect(socket.conn.remoteAddress).toBe("127.0.0.1");
      // engine.io's parsed query and the HTTP version, as on the IncomingMessage.
      const query = (req as AppRequest & { _query: Record<string, string> })._query;
      expect(query).toMatchObject({ EIO: "4", transport });
      expect(query).toBe((req as AppRequest & { _query: Record<string, string> })._query);
      expect([req.httpVersion, req.httpVersionMajor, req.httpVersionMinor]).toEqual(["1.1", 1, 1]);
    });

    it(`keeps the headers of each client, even those many clients send alike (${transport})`, async () => {
      const { url, io } = await start();
      const agents = ["agent/1", "agent/2", "agent/1"];
      const sockets: Socket[] = [];
      for (const agent of agents) {
        const connection = nextConnection(io);
        clients.open(url, { transports: [transport], extraHeaders: { "user-agent": agent, "x-custom": agent } });
        sockets.push(await connection);
      }
      expect(sockets.map((s) => s.request.headers["user-agent"])).toEqual(agents);
      expect(sockets.map((s) => s.handshake.headers["x-custom"])).toEqual(agents);
    });
  }

  it("runs the older recipe: express-session called from a Socket.IO middleware on socket.request", async () => {
    const sessionMiddleware = session({ secret: "handshake-request-test", resave: false, saveUninitialized: true });
    const httpServer = createServer();
    const io = new Server(httpServer);
    io.use((socket, next) => sessionMiddleware(socket.request as never, {} as never, next as never));
    running = { ...(await listen(httpServer)), io };
    const connection = nextConnection(io);
    clients.open(running.url, { transports: ["websocket"] });
    const socket = await connection;
    const req = socket.request as AppRequest;
    expect(req.session).toBeDefined();
    expect(typeof (req as unknown as { sessionID: unknown }).sessionID).toBe("string");
    await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err as Error) : resolve())));
  });
});
