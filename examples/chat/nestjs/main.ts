import "reflect-metadata";
import { Body, Controller, Headers, Inject, Module, Post, Res, type DynamicModule } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import type { NestExpressApplication } from "@nestjs/platform-express";
import { WebSocketGateway, WebSocketServer, type OnGatewayInit } from "@nestjs/websockets";
import { SwitchboardAdapter } from "@switchboard/nestjs";
import type { Response } from "express";
import { registerChat, type ChatServer } from "../shared/chat.js";
import { RANDOM_SECRET_NOTICE, setUpChat, type ChatOptions, type ChatSetup } from "../shared/chat-setup.js";
import { login, refresh, type RouteReply } from "../shared/login-routes.js";
import { PUBLIC_DIR } from "../shared/public-files.js";

/** Injection token of the chat's shared setup (tokens, store, options). */
export const CHAT_SETUP = Symbol("CHAT_SETUP");

/** The chat as a Nest gateway: the shared logic runs on the server Nest hands over after init. */
@WebSocketGateway()
export class ChatGateway implements OnGatewayInit<ChatServer> {
  @WebSocketServer() server!: ChatServer;

  constructor(@Inject(CHAT_SETUP) private readonly chat: ChatSetup) {}

  afterInit(server: ChatServer): void {
    registerChat(server, this.chat);
  }
}

function send(res: Response, { status, body }: RouteReply): void {
  res.status(status).set("cache-control", "no-store").json(body);
}

/** `POST /login` and `POST /refresh`: the tokens the page connects with. */
@Controller()
export class LoginController {
  constructor(
    @Inject(CHAT_SETUP) private readonly chat: ChatSetup,
    private readonly gateway: ChatGateway,
  ) {}

  @Post("login")
  async login(@Body() body: unknown, @Res() res: Response): Promise<void> {
    send(res, await login(this.gateway.server, this.chat.tokens, body));
  }

  @Post("refresh")
  async refresh(@Headers("authorization") authorization: string | undefined, @Res() res: Response): Promise<void> {
    send(res, await refresh(this.chat.tokens, authorization));
  }
}

@Module({})
export class ChatModule {
  static forRoot(chat: ChatSetup): DynamicModule {
    return { module: ChatModule, controllers: [LoginController], providers: [{ provide: CHAT_SETUP, useValue: chat }, ChatGateway] };
  }
}

/** The chat on NestJS (Express platform): the page as static assets, Socket.IO through the Switchboard adapter. */
export async function createChatApp(options: ChatOptions & { logger?: boolean } = {}): Promise<NestExpressApplication> {
  const chat = setUpChat(options);
  const app = await NestFactory.create<NestExpressApplication>(ChatModule.forRoot(chat), options.logger ? {} : { logger: false });
  app.useWebSocketAdapter(new SwitchboardAdapter(app, chat.serverOptions));
  app.useStaticAssets(PUBLIC_DIR);
  return app;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"))) {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? "localhost";
  if (!process.env.JWT_SECRET) console.log(RANDOM_SECRET_NOTICE);
  const app = await createChatApp({ logger: true });
  await app.listen(port, host);
  console.log(`chat (nestjs) on http://${host}:${port}`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
