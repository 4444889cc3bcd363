import express, { type Express } from "express";
import { switchboard, type SwitchboardMiddleware } from "@switchboard/express";
import { registerChat, type ChatServer } from "../shared/chat.js";
import { PUBLIC_DIR } from "../shared/public-files.js";
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from "../shared/events.js";

/** The chat on Express: `app.use(realtime)` and `app.listen()` serve Socket.IO next to the page. */
export function createChatApp(): { app: Express; realtime: SwitchboardMiddleware<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>; io: ChatServer } {
  const app = express();
  const realtime = switchboard<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>();
  app.use(realtime);
  app.use(express.static(PUBLIC_DIR));
  registerChat(realtime.io);
  return { app, realtime, io: realtime.io };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"))) {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? "localhost";
  const { app, io } = createChatApp();
  app.listen(port, host, () => console.log(`chat (express) on http://${host}:${port}`));
  const stop = () => void io.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
