// Compile-time checks: the user's event maps reach `@WebSocketServer()` and the gateway's sockets,
// and the adapter's options and the gateway's `ackErrors` are typed.
import type { INestApplication } from "@nestjs/common";
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type GatewayMetadata,
  type OnGatewayInit,
} from "@nestjs/websockets";
import {
  AckErrors,
  authenticate,
  jwtAuth,
  SwitchboardAdapter,
  validationExceptionFactory,
  type AckError,
  type Namespace,
  type Server,
  type Socket,
  type SwitchboardAdapterOptions,
} from "../../integrations/nestjs/src/index.ts";

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

type ChatServer = Server<ClientEvents, ServerEvents, InterServer, Data>;
type ChatSocket = Socket<ClientEvents, ServerEvents, InterServer, Data>;

@WebSocketGateway({ namespace: "chat", ackErrors: true, cors: { origin: "*" }, transports: ["websocket"] })
export class ChatGateway implements OnGatewayInit<ChatServer>, OnGatewayConnection<ChatSocket>, OnGatewayDisconnect<ChatSocket> {
  @WebSocketServer() server!: ChatServer;

  afterInit(server: ChatServer): void {
    server.serverSideEmit("sync", 1);
    // @ts-expect-error "sync" carries a number
    server.serverSideEmit("sync", "1");
  }

  handleConnection(client: ChatSocket): void {
    client.emit("said", "server", `welcome ${client.data.user.sub}`);
    // @ts-expect-error "said" takes two strings
    client.emit("said", "server");
  }

  handleDisconnect(client: ChatSocket, reason?: string): void {
    this.server.emit("said", client.data.user.sub, `left (${reason ?? "?"})`);
  }

  @SubscribeMessage("say")
  say(@MessageBody() text: string, @ConnectedSocket() client: ChatSocket): boolean {
    this.server.to("room").emit("said", client.data.user.sub, text);
    // @ts-expect-error unknown server event
    this.server.emit("shout", text);
    // @ts-expect-error wrong argument type
    this.server.emit("said", 1, text);
    return true;
  }
}

@AckErrors()
@WebSocketGateway({ namespace: /^\/team-\d+$/ })
export class TeamGateway {
  @WebSocketServer() nsp!: Namespace<ClientEvents, ServerEvents, InterServer, Data>;

  @AckErrors(false)
  @SubscribeMessage("say")
  say(@MessageBody() text: string): void {
    this.nsp.emit("said", "team", text);
    // @ts-expect-error wrong argument count
    this.nsp.emit("said", "team");
  }
}

// `ackErrors` is part of Nest's gateway options once the adapter is imported.
export const gatewayOptions: GatewayMetadata = { namespace: "x", ackErrors: true };
// @ts-expect-error ackErrors is a boolean
export const badGatewayOptions: GatewayMetadata = { ackErrors: "yes" };

export function adapters(app: INestApplication): void {
  app.useWebSocketAdapter(new SwitchboardAdapter(app));
  app.useWebSocketAdapter(
    new SwitchboardAdapter(app, { auth: jwtAuth({ secret: "s" }), pingInterval: 10000, connectionGuards: [{ canActivate: () => true }] }),
  );
  app.useWebSocketAdapter(new SwitchboardAdapter(app, { auth: authenticate(async (socket) => ({ sub: String(socket.handshake.auth.user) })) }));
  app.useWebSocketAdapter(new SwitchboardAdapter(app, { useExisting: "SWITCHBOARD_OPTIONS" }));
  app.useWebSocketAdapter(
    new SwitchboardAdapter(app, {
      inject: ["CONFIG"],
      useFactory: (config: { secret: string }): SwitchboardAdapterOptions => ({ auth: jwtAuth({ secret: config.secret }) }),
    }),
  );
  // @ts-expect-error options are the Server's options
  new SwitchboardAdapter(app, { pingIntervall: 1000 });
  // @ts-expect-error connection guards are guards
  new SwitchboardAdapter(app, { connectionGuards: [() => true] });
}

export function ackShape(answer: AckError): string {
  const fields: string[] = (answer.error.errors ?? []).map((e) => e.field);
  return `${answer.error.status} ${answer.error.message} ${fields.join()}`;
}

export const factory: (errors: import("@nestjs/common").ValidationError[]) => Error = validationExceptionFactory;
