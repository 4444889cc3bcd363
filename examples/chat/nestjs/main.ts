import "reflect-metadata";
import { Module } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import type { NestExpressApplication } from "@nestjs/platform-express";
import { WebSocketGateway, WebSocketServer, type OnGatewayInit } from "@nestjs/websockets";
import { SwitchboardAdapter } from "@switchboard/nestjs";
import { registerChat, type ChatServer } from "../shared/chat.js";
import { ChatStore } from "../shared/chat-store.js";
import { PUBLIC_DIR } from "../shared/public-files.js";

/** The chat as a Nest gateway: the shared logic runs on the server Nest hands over after init. */
@WebSocketGateway()
export class ChatGateway implements OnGatewayInit<ChatServer> {
  @WebSocketServer() server!: ChatServer;

  constructor(private readonly store: ChatStore) {}

  afterInit(server: ChatServer): void {
    registerChat(server, this.store);
  }
}

@Module({ providers: [{ provide: ChatStore, useFactory: () => new ChatStore() }, ChatGateway] })
export class ChatModule {}

/** The chat on NestJS (Express platform): the page as static assets, Socket.IO through the Switchboard adapter. */
export async function createChatApp(options: { logger?: boolean } = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ChatModule, options.logger ? {} : { logger: false });
  app.useWebSocketAdapter(new SwitchboardAdapter(app));
  app.useStaticAssets(PUBLIC_DIR);
  return app;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"))) {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? "localhost";
  const app = await createChatApp({ logger: true });
  await app.listen(port, host);
  console.log(`chat (nestjs) on http://${host}:${port}`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
