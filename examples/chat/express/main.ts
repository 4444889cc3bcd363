import express, { type ErrorRequestHandler, type Express, type Response } from "express";
import { switchboard, type SwitchboardMiddleware } from "@switchboard/express";
import { registerChat, type ChatServer } from "../shared/chat.js";
import { RANDOM_SECRET_NOTICE, setUpChat, type ChatOptions, type ChatSetup } from "../shared/chat-setup.js";
import { login, refresh, type RouteReply } from "../shared/login-routes.js";
import { PUBLIC_DIR } from "../shared/public-files.js";
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from "../shared/events.js";

type ChatMiddleware = SwitchboardMiddleware<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

function send(res: Response, { status, body }: RouteReply): void {
  res.status(status).set("cache-control", "no-store").json(body);
}

/** A body that is not JSON (or too large) gets the routes' JSON error, not Express's HTML page. */
const badBody: ErrorRequestHandler = (err: { status?: number }, _req, res, next) => {
  if (err.status === 400 || err.status === 413) send(res, { status: err.status, body: { error: 'send JSON: { "username": "..." }' } });
  else next(err);
};

/** The chat on Express: `app.use(realtime)` and `app.listen()` serve Socket.IO next to the page and the login routes. */
export function createChatApp(options: ChatOptions = {}): { app: Express; realtime: ChatMiddleware; io: ChatServer; chat: ChatSetup } {
  const chat = setUpChat(options);
  const app = express();
  const realtime = switchboard<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(chat.serverOptions);
  app.use(realtime);
  app.post("/login", express.json({ limit: "4kb" }), (req, res, next) => {
    login(realtime.io, chat.tokens, req.body).then((answer) => send(res, answer), next);
  });
  app.post("/refresh", (req, res, next) => {
    refresh(chat.tokens, req.headers.authorization).then((answer) => send(res, answer), next);
  });
  app.use(express.static(PUBLIC_DIR));
  app.use(badBody);
  registerChat(realtime.io, chat);
  return { app, realtime, io: realtime.io, chat };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"))) {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? "localhost";
  const { app, io, chat } = createChatApp();
  if (chat.tokens.randomSecret) console.log(RANDOM_SECRET_NOTICE);
  app.listen(port, host, () => console.log(`chat (express) on http://${host}:${port}`));
  const stop = () => void io.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
