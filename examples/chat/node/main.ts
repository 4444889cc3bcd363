import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { Server } from "@switchboard/server";
import { registerChat, type ChatServer } from "../shared/chat.js";
import { RANDOM_SECRET_NOTICE, setUpChat, type ChatOptions, type ChatSetup } from "../shared/chat-setup.js";
import { login, refresh, type RouteReply } from "../shared/login-routes.js";
import { servePublicFile } from "../shared/public-files.js";
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from "../shared/events.js";

/** Reads a small JSON body (the login form); anything else reads as undefined. */
async function readJson(req: IncomingMessage, limit = 4096): Promise<unknown> {
  let text = "";
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > limit) return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, { status, body }: RouteReply): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }).end(JSON.stringify(body));
}

/** The chat on Node's own HTTP server: the page, the login routes, the client bundle and Socket.IO on one port. */
export function createChatServer(options: ChatOptions = {}): { httpServer: HttpServer; io: ChatServer; chat: ChatSetup } {
  const chat = setUpChat(options);
  const httpServer = createServer((req, res) => {
    const answer = async () => {
      if (req.method === "POST" && req.url === "/login") return sendJson(res, await login(io, chat.tokens, await readJson(req)));
      if (req.method === "POST" && req.url === "/refresh") return sendJson(res, await refresh(chat.tokens, req.headers.authorization));
      await servePublicFile(req, res);
    };
    answer().catch((err: unknown) => {
      console.error(err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const io: ChatServer = new Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(httpServer, chat.serverOptions);
  registerChat(io, chat);
  return { httpServer, io, chat };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"))) {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? "localhost";
  const { httpServer, io, chat } = createChatServer();
  if (chat.tokens.randomSecret) console.log(RANDOM_SECRET_NOTICE);
  httpServer.listen(port, host, () => console.log(`chat on http://${host}:${port}`));
  const stop = () => void io.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
