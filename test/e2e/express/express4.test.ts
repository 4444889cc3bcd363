// The middleware in a project on Express 4: the peer dependency `express` resolves to Express 4
// (installed under the alias `express4`), so the middleware's own sub-app is an Express 4 app too.
import type { Server as HttpServer, IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, jest } from "@jest/globals";
import express4 from "express4";
import session from "express-session";

jest.unstable_mockModule("express", async () => await import("express4"));
const { switchboard } = await import("@switchboard/express");
import type { FrameworkOptions } from "@switchboard/server";
import { runBasicsSuite } from "../auth/basics-suite.js";
import { connected, type RealtimeApp } from "../auth/harness.js";
import { Clients } from "../../support/index.js";

type SessionRequest = IncomingMessage & { session?: { user?: string } };

it("the middleware is built on Express 4 here", async () => {
  const realtime = switchboard();
  // Express 4 apps have `del`, which Express 5 removed.
  expect(typeof (realtime as unknown as { del?: unknown }).del).toBe("function");
  await realtime.io.close();
});

async function startExpress4(options: FrameworkOptions, setup: (app: ReturnType<typeof express4>) => void = () => {}): Promise<RealtimeApp> {
  const app = express4();
  setup(app);
  const realtime = switchboard(options);
  app.use(realtime);
  const server = await new Promise<HttpServer>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return { url: `http://127.0.0.1:${port}`, io: realtime.io, close: () => (closing ??= realtime.io.close()) };
}

describe("@switchboard/express mounted in an Express 4 app", () => {
  runBasicsSuite((options) => startExpress4(options));
});

describe("@switchboard/express in Express 4: the app's middlewares run on the handshake", () => {
  let app: RealtimeApp | undefined;
  const clients = new Clients();

  afterEach(async () => {
    await clients.closeAll();
    await app?.close();
    app = undefined;
  });

  it("reads the session set by an HTTP route, for a WebSocket-only client", async () => {
    app = await startExpress4({}, (parent) => {
      parent.use(session({ secret: "e2e-express4", resave: false, saveUninitialized: false }));
      parent.post("/login", (req, res) => {
        (req as unknown as SessionRequest).session!.user = "ada";
        res.send("ok");
      });
    });
    app.io.on("connection", (socket) => {
      socket.on("whoami", (ack: (user: unknown) => void) => ack((socket.request as SessionRequest).session?.user ?? null));
    });
    const login = await fetch(`${app.url}/login`, { method: "POST" });
    expect(login.status).toBe(200);
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    const socket = await connected(clients.open(app.url, { transports: ["websocket"], extraHeaders: { cookie } }));
    expect(await socket.timeout(5000).emitWithAck("whoami")).toBe("ada");
  });
});
