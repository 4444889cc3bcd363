import Fastify, { type FastifyReply } from "fastify";
import { withSwitchboard, type FastifyWithSwitchboard } from "@switchboard/fastify";
import { registerChat } from "../shared/chat.js";
import { RANDOM_SECRET_NOTICE, setUpChat, type ChatOptions, type ChatSetup } from "../shared/chat-setup.js";
import { login, refresh, type RouteReply } from "../shared/login-routes.js";
import { servePublicFile } from "../shared/public-files.js";
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from "../shared/events.js";

export type ChatFastify = FastifyWithSwitchboard<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData> & { chat: ChatSetup };

function send(reply: FastifyReply, { status, body }: RouteReply): FastifyReply {
  return reply.code(status).header("cache-control", "no-store").send(body);
}

/** The chat on Fastify: the plugin serves Socket.IO, two routes log in, a catch-all route serves the page's files. */
export async function createChatApp(options: ChatOptions & { logger?: boolean } = {}): Promise<ChatFastify> {
  const chat = setUpChat(options);
  const app = await withSwitchboard<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(
    Fastify({ logger: options.logger ?? false }),
    chat.serverOptions,
  );
  app.post("/login", async (request, reply) => send(reply, await login(app.io, chat.tokens, request.body)));
  app.post("/refresh", async (request, reply) => send(reply, await refresh(chat.tokens, request.headers.authorization)));
  // index.html, app.js, style.css, the icons: not worth @fastify/static.
  app.get("/:file?", (request, reply) => {
    reply.hijack();
    servePublicFile(request.raw, reply.raw).catch((err: unknown) => {
      app.log.error(err);
      if (!reply.raw.headersSent) reply.raw.writeHead(500);
      reply.raw.end();
    });
  });
  registerChat(app.io, chat);
  return Object.assign(app, { chat });
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"))) {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? "localhost";
  const app = await createChatApp({ logger: true });
  if (app.chat.tokens.randomSecret) app.log.warn(RANDOM_SECRET_NOTICE);
  await app.listen({ port, host });
  const stop = () => void app.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
