import "reflect-metadata";
import {
  type ArgumentsHost,
  Catch,
  Injectable,
  Module,
  ParseIntPipe,
  Scope,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
  ValidationPipe,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
} from "@nestjs/common";
import {
  Ack,
  BaseWsExceptionFilter,
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  WsException,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  type WsResponse,
} from "@nestjs/websockets";
import { IsInt, IsString, Max, Min, MinLength } from "class-validator";
import { from, interval, map, take, type Observable } from "rxjs";
import type { Namespace, Server, Socket } from "@switchboard/nestjs";

/** Shared between the tests and the gateways: what the lifecycle hooks saw. */
export class Lifecycle {
  inits: string[] = [];
  connected: string[] = [];
  disconnected: Array<{ id: string; reason: string | undefined }> = [];
}

export class CreateUserDto {
  @IsString() @MinLength(2) name!: string;
  @IsInt() @Min(0) @Max(150) age!: number;
}

@Injectable()
export class AdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToWs().getData<{ role?: string }>()?.role === "admin";
  }
}

@Injectable()
export class WrapInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((value) => ({ wrapped: value })));
  }
}

@Catch(WsException)
export class TeapotFilter extends BaseWsExceptionFilter {
  override catch(exception: WsException, host: ArgumentsHost): void {
    host.switchToWs().getClient<Socket>().emit("teapot", { said: exception.getError() });
  }
}

@WebSocketGateway()
export class MainGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  @WebSocketServer() server!: Server;

  constructor(private readonly lifecycle: Lifecycle) {}

  afterInit(server: Server): void {
    this.lifecycle.inits.push(`main:${server === this.server}`);
  }

  handleConnection(client: Socket): void {
    this.lifecycle.connected.push(client.id);
  }

  handleDisconnect(client: Socket, reason?: string): void {
    this.lifecycle.disconnected.push({ id: client.id, reason });
  }

  @SubscribeMessage("echo")
  echo(@MessageBody() data: unknown): unknown {
    return data;
  }

  @SubscribeMessage("args")
  args(@MessageBody() data: unknown): unknown {
    return { data };
  }

  @SubscribeMessage("ping")
  ping(@MessageBody() data: number): WsResponse<number> {
    return { event: "pong", data: data + 1 };
  }

  @SubscribeMessage("later")
  async later(@MessageBody() data: string): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return `later:${data}`;
  }

  @SubscribeMessage("count")
  count(@MessageBody() n: number): Observable<WsResponse<number>> {
    return from(Array.from({ length: n }, (_, i) => ({ event: "counted", data: i + 1 })));
  }

  @SubscribeMessage("first")
  first(): Observable<number> {
    return interval(1).pipe(
      take(3),
      map((i) => 100 + i),
    );
  }

  @SubscribeMessage("manual")
  manual(@MessageBody() data: string, @Ack() ack: (reply: string) => void): string {
    ack(`manual:${data}`);
    return "ignored";
  }

  @SubscribeMessage("whoami")
  whoami(@ConnectedSocket() client: Socket): string {
    return client.id;
  }

  @SubscribeMessage("announce")
  announce(@MessageBody() text: string): boolean {
    return this.server.emit("announcement", text);
  }

  @SubscribeMessage("fail")
  fail(): never {
    throw new WsException("nope");
  }

  @SubscribeMessage("crash")
  crash(): never {
    throw new Error("secret internals");
  }

  @UseGuards(AdminGuard)
  @SubscribeMessage("admin-only")
  adminOnly(): string {
    return "welcome, admin";
  }

  @UsePipes(new ValidationPipe({ transform: true }))
  @SubscribeMessage("create-user")
  createUser(@MessageBody() dto: CreateUserDto): { name: string; age: number; isDto: boolean } {
    return { name: dto.name, age: dto.age, isDto: dto instanceof CreateUserDto };
  }

  @SubscribeMessage("double")
  double(@MessageBody("n", ParseIntPipe) n: number): number {
    return n * 2;
  }

  @UseInterceptors(WrapInterceptor)
  @SubscribeMessage("wrapped")
  wrapped(@MessageBody() data: unknown): unknown {
    return data;
  }

  @UseFilters(new TeapotFilter())
  @SubscribeMessage("brew")
  brew(): never {
    throw new WsException("I'm a teapot");
  }
}

/** A base class's enhancers stay with a gateway that extends it. */
@UseInterceptors(WrapInterceptor)
export class WrappingBase {}

/** A second gateway on the same server and namespace. */
@WebSocketGateway()
export class StatsGateway extends WrappingBase {
  @WebSocketServer() server!: Server;

  @SubscribeMessage("stats")
  stats(): { sockets: number } {
    return { sockets: this.server.of("/").sockets.size };
  }
}

@WebSocketGateway({ namespace: "admin" })
export class AdminGateway implements OnGatewayInit {
  @WebSocketServer() nsp!: Namespace;

  constructor(private readonly lifecycle: Lifecycle) {}

  afterInit(nsp: Namespace): void {
    this.lifecycle.inits.push(`admin:${nsp.name}`);
  }

  @SubscribeMessage("where")
  where(@ConnectedSocket() client: Socket): string {
    return client.nsp.name;
  }

  @SubscribeMessage("tell-admins")
  tell(@MessageBody() text: string): void {
    this.nsp.emit("admins", text);
  }
}

@WebSocketGateway({ namespace: /^\/team-\d+$/ })
export class TeamGateway {
  @SubscribeMessage("where")
  where(@ConnectedSocket() client: Socket): string {
    return client.nsp.name;
  }
}

/** One instance per connected socket (Nest's request scope, with the socket as the request). */
@Injectable({ scope: Scope.REQUEST })
export class PerSocketCounter {
  static created = 0;
  readonly serial = ++PerSocketCounter.created;
  count = 0;
}

@WebSocketGateway({ namespace: "scoped" })
export class ScopedGateway {
  constructor(private readonly counter: PerSocketCounter) {}

  @SubscribeMessage("hit")
  hit(): { serial: number; count: number } {
    this.counter.count += 1;
    return { serial: this.counter.serial, count: this.counter.count };
  }
}

@Module({
  providers: [Lifecycle, MainGateway, StatsGateway, AdminGateway, TeamGateway, PerSocketCounter, ScopedGateway, AdminGuard, WrapInterceptor],
})
export class GatewaysModule {}
