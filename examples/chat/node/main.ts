import { createServer, type Server as HttpServer } from "node:http";
import { Server } from "@switchboard/server";
import { registerChat, type ChatServer } from "../shared/chat.js";
import { servePublicFile } from "../shared/public-files.js";
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from "../shared/events.js";

/** The chat on Node's own HTTP server: the page, the client bundle and Socket.IO on one port. */
export function createChatServer(): { httpServer: HttpServer; io: ChatServer } {
  const httpServer = createServer((req, res) => {
    servePublicFile(req, res).catch((err: unknown) => {
      res.writeHead(500).end();
      console.error(err);
    });
  });
  const io = new Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(httpServer);
  registerChat(io);
  return { httpServer, io };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"))) {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? "localhost";
  const { httpServer, io } = createChatServer();
  httpServer.listen(port, host, () => console.log(`chat on http://${host}:${port}`));
  const stop = () => void io.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
