import Fastify from "fastify";
import { withSwitchboard, type FastifyWithSwitchboard } from "@switchboard/fastify";
import { registerChat } from "../shared/chat.js";
import { servePublicFile } from "../shared/public-files.js";
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from "../shared/events.js";

export type ChatFastify = FastifyWithSwitchboard<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** The chat on Fastify: the plugin serves Socket.IO, a small route the page's three files. */
export async function createChatApp(options: { logger?: boolean } = {}): Promise<ChatFastify> {
  const app = await withSwitchboard<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(Fastify({ logger: options.logger ?? false }));
  // index.html, app.js, style.css: not worth @fastify/static.
  app.get("/:file?", (request, reply) => {
    reply.hijack();
    servePublicFile(request.raw, reply.raw).catch((err: unknown) => {
      app.log.error(err);
      if (!reply.raw.headersSent) reply.raw.writeHead(500);
      reply.raw.end();
    });
  });
  registerChat(app.io);
  return app;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"))) {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? "localhost";
  const app = await createChatApp({ logger: true });
  await app.listen({ port, host });
  const stop = () => void app.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
