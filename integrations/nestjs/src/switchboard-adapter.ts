import { createServer, type Server as HttpServer } from "node:http";
import type { INestApplication, INestApplicationContext, WsMessageHandler } from "@nestjs/common";
import { Logger } from "@nestjs/common";
import { AbstractWsAdapter, type GatewayMetadata } from "@nestjs/websockets";
import createDebug from "debug";
import type { Observable, Subscription } from "rxjs";
import { chainAuth, Server, type AuthMiddleware, type Namespace, type Socket } from "@switchboard/server";
import { attachClientServing, closeFrameworkServer, createFrameworkServer, toAuthMiddleware, type FrameworkServer } from "@switchboard/server/framework";
import { answerExceptionsThroughAcks, runInMessageScope } from "./ack-errors.js";
import { connectionGuardsMiddleware } from "./connection-guards.js";
import { routeThroughApplication } from "./framework-routing.js";
import { markServed } from "./served-sockets.js";
import { resolveAdapterOptions, type SwitchboardAdapterOptions, type SwitchboardAdapterOptionsSource } from "./switchboard-adapter-options.js";
import { enhanceGateways } from "./gateway-enhancers.js";

const debug = createDebug("switchboard:nestjs");

/* eslint-disable @typescript-eslint/no-explicit-any */

/** What Nest passes to `create()`: the gateway's decorator options, plus the server of a namespace. */
export type GatewayServerOptions = GatewayMetadata & { server?: Server; ackErrors?: boolean };

type AnySocket = Socket<any, any, any, any>;
type AnyServer = Server<any, any, any, any>;
type AnyNamespace = Namespace<any, any, any, any>;

function isApplicationContext(value: unknown): value is INestApplicationContext {
  return typeof value === "object" && value !== null && typeof (value as INestApplicationContext).get === "function";
}

/** The application's HTTP server; none for a standalone application context. */
function httpServerOf(app: INestApplicationContext): object | undefined {
  const getHttpServer = (app as Partial<INestApplication>).getHttpServer;
  return typeof getHttpServer === "function" ? (getHttpServer.call(app) as object) : undefined;
}

/** Splits what a listener received into the handler's data and the client's ack (Nest's convention). */
function splitPayload(args: unknown[]): { data: unknown; ack: ((...a: unknown[]) => void) | undefined } {
  const last = args[args.length - 1];
  if (typeof last !== "function") return { data: args.length <= 1 ? args[0] : args, ack: undefined };
  const rest = args.slice(0, -1);
  return { data: rest.length <= 1 ? rest[0] : rest, ack: last as (...a: unknown[]) => void };
}

/**
 * The Switchboard Socket.IO server as a NestJS WebSocket adapter, a drop-in for
 * `@nestjs/platform-socket.io`'s `IoAdapter`: gateways, decorators and Socket.IO clients are
 * unchanged. It adds handshake auth (`auth`, `connectionGuards`) on every namespace, validation
 * errors that name the fields, errors through the ack (`ackErrors`), options from the DI
 * container, and an `app.close()` that disconnects everyone.
 *
 * @example
 * const app = await NestFactory.create(AppModule);
 * app.useWebSocketAdapter(new SwitchboardAdapter(app, { auth: jwtAuth({ secret: process.env.JWT_SECRET! }) }));
 * await app.listen(3000);
 */
export class SwitchboardAdapter extends AbstractWsAdapter<any, any, GatewayServerOptions> {
  protected readonly logger = new Logger(SwitchboardAdapter.name);
  private readonly app: INestApplicationContext | undefined;
  private readonly optionsSource: SwitchboardAdapterOptions | SwitchboardAdapterOptionsSource;
  private resolved: { options: SwitchboardAdapterOptions; handshake: AuthMiddleware | undefined } | undefined;
  /** HTTP servers the adapter started for gateways on their own port. */
  private readonly ownServers = new Map<AnyServer, HttpServer>();
  /** What `close()` shuts down for each Server: its framework server, and its upgrade routing through the application's stack (`routeThroughApp`). */
  private readonly frameworks = new Map<AnyServer, { framework: FrameworkServer<any, any, any, any>; stopUpgrades?: () => void }>();
  private readonly subscriptions = new WeakMap<AnySocket, Set<Subscription>>();
  /** Whether a gateway answers errors through acks: only then is each message's ack tracked (AsyncLocalStorage has a cost). */
  private readonly tracksAcks: boolean;

  constructor(appOrHttpServer?: INestApplicationContext | object, options: SwitchboardAdapterOptions | SwitchboardAdapterOptionsSource = {}) {
    // Nest's base class takes the HTTP server only out of an application of its own copy of
    // @nestjs/core (with two copies installed, it would keep the application itself): it gets the server.
    super(isApplicationContext(appOrHttpServer) ? httpServerOf(appOrHttpServer) : appOrHttpServer);
    this.app = isApplicationContext(appOrHttpServer) ? appOrHttpServer : undefined;
    this.optionsSource = options;
    // Before `init()` builds the gateways' handlers, which read their enhancers once.
    this.tracksAcks = this.app ? enhanceGateways(this.app).ackErrors : false;
  }

  /** Options are read when the first gateway is set up: providers exist by then. */
  private settings(): { options: SwitchboardAdapterOptions; handshake: AuthMiddleware | undefined } {
    if (this.resolved) return this.resolved;
    const options = resolveAdapterOptions(this.optionsSource, this.app);
    // `auth` and the connection guards are one handshake check, which the Server runs on every
    // namespace but `publicNamespaces`, on recovered sessions and on token refreshes.
    const handshake: AuthMiddleware[] = [];
    if (options.auth !== undefined) handshake.push(toAuthMiddleware(options.auth));
    if (options.connectionGuards?.length) handshake.push(connectionGuardsMiddleware(options.connectionGuards, this.app, SwitchboardAdapter));
    this.resolved = { options, handshake: handshake.length === 0 ? undefined : handshake.length === 1 ? handshake[0] : chainAuth(handshake) };
    return this.resolved;
  }

  create(port: number, options: GatewayServerOptions = {}): AnyServer | AnyNamespace {
    const { namespace, server, ...gatewayOptions } = options;
    if (server && namespace !== undefined) return server.of(namespace);
    const io = this.createIOServer(port, gatewayOptions);
    return namespace !== undefined ? io.of(namespace) : io;
  }

  /** A Server on the application's HTTP server (port 0), or on its own HTTP server listening on `port`. */
  createIOServer(port: number, gatewayOptions: GatewayServerOptions = {}): AnyServer {
    const { handshake } = this.settings();
    const { auth: _auth, connectionGuards: _guards, routeThroughApp, ...adapterOptions } = this.settings().options;
    // `ackErrors` belongs to the gateway; the rest of its decorator options are Server options.
    const { ackErrors: _ackErrors, ...serverOptions } = gatewayOptions as GatewayServerOptions & Record<string, unknown>;
    const framework = createFrameworkServer({ ...adapterOptions, ...(serverOptions as object), auth: handshake });
    const { io, engine } = framework;
    const attachOptions = {
      path: io.path(),
      addTrailingSlash: adapterOptions.addTrailingSlash,
      destroyUpgrade: adapterOptions.destroyUpgrade,
      destroyUpgradeTimeout: adapterOptions.destroyUpgradeTimeout,
    };
    const stopRouting =
      port === 0 && this.httpServer && routeThroughApp && this.app ? routeThroughApplication(this.app, this.httpServer as HttpServer, framework) : undefined;
    this.frameworks.set(io, { framework, stopUpgrades: stopRouting });
    if (stopRouting) {
      debug("serving %s through the application's HTTP stack", io.path());
    } else if (port === 0 && this.httpServer) {
      debug("serving %s on the application's HTTP server", io.path());
      engine.attach(this.httpServer as HttpServer, attachOptions);
      if (io.serveClient()) attachClientServing(this.httpServer as HttpServer, io.path());
    } else {
      const httpServer = createServer((_req, res) => res.writeHead(404).end());
      engine.attach(httpServer, attachOptions);
      if (io.serveClient()) attachClientServing(httpServer, io.path());
      httpServer.on("error", (err) => this.logger.error(`gateway server on port ${port}: ${err.message}`, err.stack));
      httpServer.listen(port);
      debug("serving %s on its own port %d", io.path(), port);
      this.ownServers.set(io, httpServer);
    }
    return io;
  }

  override bindClientConnect(server: AnyServer | AnyNamespace, callback: (socket: AnySocket) => void): void {
    server.on("connection", (socket: AnySocket) => {
      markServed(socket);
      if (this.tracksAcks) answerExceptionsThroughAcks(socket);
      callback(socket);
    });
  }

  override bindClientDisconnect(client: AnySocket, callback: (reason: string) => void): void {
    client.once("disconnect", (reason: string) => callback(reason));
  }

  /** Drops a client that connected before the application finished starting. */
  closeClient(client: AnySocket): void {
    client.disconnect(true);
  }

  bindMessageHandlers(socket: AnySocket, handlers: WsMessageHandler[], transform: (data: unknown) => Observable<unknown>): void {
    const subscriptions = this.subscriptionsOf(socket);
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message, (...args: unknown[]) => {
        const { data, ack } = splitPayload(args);
        const handle = () => {
          let subscription: Subscription | undefined;
          try {
            subscription = transform(callback(data, ack)).subscribe({
              next: (response) => this.respond(socket, response, ack, isAckHandledManually),
              // An error that got past the exception filters (a filter that rethrows) is an app bug: log it, keep the event alive.
              error: (err: unknown) => this.logger.error(err),
              complete: () => subscription && subscriptions.delete(subscription),
            });
          } catch (err) {
            this.logger.error(err);
            return;
          }
          if (!subscription.closed) subscriptions.add(subscription);
        };
        if (this.tracksAcks && ack) runInMessageScope(socket, ack, handle);
        else handle();
      });
    }
  }

  /** Streams still running (Observables) stop with the socket. */
  private subscriptionsOf(socket: AnySocket): Set<Subscription> {
    let set = this.subscriptions.get(socket);
    if (!set) {
      const created = new Set<Subscription>();
      set = created;
      this.subscriptions.set(socket, created);
      socket.once("disconnect", () => {
        for (const subscription of created) subscription.unsubscribe();
        created.clear();
      });
    }
    return set;
  }

  /** A `WsResponse` (`{ event, data }`) is emitted; any other value answers the ack. */
  private respond(socket: AnySocket, response: unknown, ack: ((...a: unknown[]) => void) | undefined, isAckHandledManually: boolean): void {
    if (response === undefined || response === null) return;
    const event = (response as { event?: unknown }).event;
    if (typeof response === "object" && event) {
      socket.emit(event as string, (response as { data?: unknown }).data);
      return;
    }
    if (!isAckHandledManually && ack) ack(response);
  }

  /** Closing the root Server disconnects every socket of every namespace and never waits on clients. */
  override async close(server: AnyServer | AnyNamespace): Promise<void> {
    if (!(server instanceof Server)) return;
    const served = this.frameworks.get(server);
    this.frameworks.delete(server);
    if (served) await closeFrameworkServer(served.framework, { stopUpgrades: served.stopUpgrades });
    else await server.close();
    const own = this.ownServers.get(server);
    if (own) {
      this.ownServers.delete(server);
      await new Promise<void>((resolve) => {
        if (!own.listening) return resolve();
        own.close(() => resolve());
        own.closeAllConnections();
      });
    }
  }
}
