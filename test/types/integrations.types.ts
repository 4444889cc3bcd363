// Compile-time checks: the user's event maps flow through `app.io` (Fastify) and `realtime.io` (Express).
import Fastify from "fastify";
import express from "express";
import { switchboard as fastifySwitchboard, withSwitchboard, type FastifyWithSwitchboard } from "../../integrations/fastify/src/index.ts";
import { switchboard as expressSwitchboard, jwtAuth, type SwitchboardMiddleware } from "../../integrations/express/src/index.ts";
import type { Server } from "@switchboard/server";

interface ClientEvents {
  say: (text: string, ack: (ok: boolean) => void) => void;
}
interface ServerEvents {
  said: (from: string, text: string) => void;
}
interface InterServer {
  sync: (n: number) => void;
}
interface Data {
  user: { sub: string };
}

type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assert<T extends true>(): T | void {}

async function fastifyTyped() {
  const app = await withSwitchboard<ClientEvents, ServerEvents, InterServer, Data>(Fastify(), { auth: jwtAuth({ secret: "s" }) });
  assert<Equal<typeof app.io, Server<ClientEvents, ServerEvents, InterServer, Data>>>();
  app.io.on("connection", (socket) => {
    socket.on("say", (text, ack) => {
      const t: string = text;
      ack(true);
      // @ts-expect-error the ack takes a boolean
      ack("yes");
      socket.broadcast.emit("said", socket.data.user.sub, t);
    });
    // @ts-expect-error "shout" is not a client event
    socket.on("shout", () => {});
  });
  app.io.emit("said", "server", "hello");
  // @ts-expect-error wrong argument type for "said"
  app.io.emit("said", "server", 42);
  // @ts-expect-error unknown server event
  app.io.emit("unknown");
  app.io.serverSideEmit("sync", 1);
  // The rest of the Fastify API is still there.
  app.get("/health", async () => ({ ok: true }));
  const typed: FastifyWithSwitchboard<ClientEvents, ServerEvents, InterServer, Data> = app;
  void typed;
}

async function fastifyPlain() {
  const app = Fastify();
  await app.register(fastifySwitchboard, { path: "/rt", pingInterval: 1000 });
  // Registered without maps: the default (loose) Server, like socket.io's `new Server()`.
  assert<Equal<typeof app.io, Server>>();
  app.io.emit("anything", 1, "two");
  // @ts-expect-error options are the Server's options
  await app.register(fastifySwitchboard, { pingIntervall: 1000 });
}

function expressTyped() {
  const app = express();
  const realtime = expressSwitchboard<ClientEvents, ServerEvents, InterServer, Data>({ auth: async () => ({ sub: "x" }) });
  app.use(realtime);
  assert<Equal<typeof realtime.io, Server<ClientEvents, ServerEvents, InterServer, Data>>>();
  const mw: SwitchboardMiddleware<ClientEvents, ServerEvents, InterServer, Data> = realtime;
  void mw;
  app.post("/say", (_req, res) => {
    realtime.io.to("room").emit("said", "rest", "hi");
    // @ts-expect-error wrong argument count
    realtime.io.emit("said", "rest");
    res.end();
  });
  realtime.io.on("connection", (socket) => {
    socket.on("say", (text, ack) => ack(text.length > 0));
    const sub: string = socket.data.user.sub;
    void sub;
  });
  const server = app.listen(0);
  realtime.attach(server);
}

void fastifyTyped;
void fastifyPlain;
void expressTyped;

// The `auth` option types `socket` in both of its forms: a check `(socket) => user` and a middleware `(socket, next)`.
export function authOptionForms(): void {
  expressSwitchboard({ auth: async (socket) => ({ sub: String(socket.handshake.auth.token) }) });
  expressSwitchboard({ auth: (socket) => socket.handshake.headers["x-user"] });
  expressSwitchboard({
    auth: (socket, next) => {
      if (socket.handshake.auth.token === undefined) next(new Error("no token"));
      else next();
    },
  });
  // @ts-expect-error -- a socket has no `nope` field, so the check is typed rather than `any`
  expressSwitchboard({ auth: (socket) => socket.nope });
}
