import { createServer, type Server as HttpServer } from "node:http";
import type { Http2SecureServer, Http2Server } from "node:http2";
import type { EventEmitter } from "node:events";
import createDebug from "debug";
import type {
  AllButLast,
  DecorateAcknowledgementsWithMultipleResponses,
  DecorateAcknowledgementsWithTimeoutAndMultipleResponses,
  DefaultEventsMap,
  EventNames,
  EventNamesWithAck,
  EventParams,
  EventsMap,
  FirstNonErrorArg,
  Last,
  Packet,
  ReservedOrUserEventNames,
  ReservedOrUserListener,
} from "@switchboard/protocol";
import { Adapter, SessionAwareAdapter } from "./adapter/index.js";
import { Engine, type CorsOptions } from "@switchboard/engine";
import type { BroadcastOperator } from "./broadcast-operator.js";
import { Client } from "./client.js";
import type { EngineConnection, EngineServerLike } from "./engine-contract.js";
import { PendingAnswers, handOverConnections, resolveHandover, type CloseOptions, type HandedConnection, type ResolvedHandover } from "./graceful-close.js";
import { Namespace, type NamespaceMiddleware, type ServerReservedEventsMap } from "./namespace.js";
import { ParentNamespace, type ParentNspNameMatchFn } from "./parent-namespace.js";
import { attachClientServing } from "./serve-client.js";
import type { RemoteSocket } from "./remote-socket.js";
import { resolveServerOptions, type ResolvedServerOptions, type ServerOptions } from "./server-options.js";
import type { Room, SocketId } from "./server-types.js";
import type { Socket } from "./socket.js";

const debug = createDebug("switchboard:server");

/* eslint-disable @typescript-eslint/no-explicit-any */

type AnyHttpServer = HttpServer | Http2Server | Http2SecureServer;
/** An adapter class, or a factory function called with `new` (how socket.io's adapters are built). */
export type AdapterConstructor = typeof Adapter | (abstract new (nsp: any) => object) | ((nsp: any) => object);

/**
 * The Socket.IO server: a drop-in for `socket.io`'s `Server`. Owns the Engine, the namespaces
 * and the options; every EventEmitter method and broadcast operator forwards to the main
 * namespace (`io.sockets`).
 *
 * @example
 * const io = new Server(httpServer, { cors: { origin: "*" } });
 * io.on("connection", (socket) => socket.emit("hello", "world"));
 */
export class Server<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = any,
> {
  /** The main namespace `/`. */
  readonly sockets: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  /** The encoder of the configured parser; broadcasts encode once with it. */
  readonly encoder: { encode(packet: Packet): unknown[] };
  /**
   * The engine, once attached or bound: our {@link Engine} by default; whatever `bind()` was given
   * otherwise (an `engine.io` server, typed here as ours since it has the same API).
   */
  engine!: Engine;
  /** The HTTP server this instance attached to, closed by `close()`. */
  httpServer: AnyHttpServer | undefined;

  readonly _opts: ResolvedServerOptions;
  readonly _parser: ResolvedServerOptions["parser"];
  readonly _nsps = new Map<string, Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();
  _connectTimeout: number;
  private readonly parentNsps = new Map<ParentNspNameMatchFn, ParentNamespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();
  private readonly parentNamespacesFromRegExp = new Map<RegExp, ParentNamespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();
  private _adapter: AdapterConstructor;
  private _path: string;
  private _serveClient: boolean;
  /** Set by `close({ handover })`: new connections are turned away (their clients try another node). */
  private handingOver = false;
  /** @internal Incoming events not acknowledged yet: a handover waits for their handlers. */
  readonly _answers = new PendingAnswers();

  constructor(opts?: Partial<ServerOptions>);
  constructor(srv?: AnyHttpServer | number, opts?: Partial<ServerOptions>);
  constructor(srv?: AnyHttpServer | number | Partial<ServerOptions>, opts: Partial<ServerOptions> = {}) {
    if (srv !== undefined && typeof srv === "object" && typeof (srv as { listen?: unknown }).listen !== "function") {
      opts = srv as Partial<ServerOptions>;
      srv = undefined;
    }
    this._opts = resolveServerOptions(opts);
    this._parser = this._opts.parser;
    // Every parser returns an array of frames at run time, whatever its typings say (see ParserLike).
    this.encoder = new this._parser.Encoder() as { encode(packet: Packet): unknown[] };
    this._path = this._opts.path;
    this._serveClient = this._opts.serveClient;
    this._connectTimeout = this._opts.connectTimeout;
    this._adapter = (this._opts.adapter as AdapterConstructor | undefined) ?? (this._opts.connectionStateRecovery ? SessionAwareAdapter : Adapter);
    this.sockets = this.of("/");
    if (srv !== undefined) this.attach(srv as AnyHttpServer | number);
  }

  /** The engine, under the name socket.io gives it (`io.eio`). */
  get eio(): Engine {
    return this.engine;
  }

  /** The resolved options (the adapter reads `connectionStateRecovery` here). */
  get opts(): ResolvedServerOptions {
    return this._opts;
  }

  /** Whether the client bundle is served; sets it when given a value. */
  serveClient(): boolean;
  serveClient(v: boolean): this;
  serveClient(v?: boolean): this | boolean {
    if (v === undefined) return this._serveClient;
    this._serveClient = v;
    return this;
  }

  /** The path the engine answers on (default `/socket.io`); sets it when given a value. */
  path(): string;
  path(v: string): this;
  path(v?: string): this | string {
    if (v === undefined) return this._path;
    this._path = v.replace(/\/$/, "");
    return this;
  }

  /** Sets the milliseconds a connection has to join a namespace (default 45000). */
  connectTimeout(): number;
  connectTimeout(v: number): this;
  connectTimeout(v?: number): this | number {
    if (v === undefined) return this._connectTimeout;
    this._connectTimeout = v;
    return this;
  }

  /** The adapter class; setting it re-creates every namespace's adapter. */
  adapter(): AdapterConstructor;
  adapter(v: AdapterConstructor): this;
  adapter(v?: AdapterConstructor): AdapterConstructor | this {
    if (v === undefined) return this._adapter;
    this._adapter = v;
    for (const nsp of this._nsps.values()) nsp._initAdapter();
    return this;
  }

  /** Attaches to an HTTP server, or creates one listening on `port`. */
  listen(srv: AnyHttpServer | number, opts: Partial<ServerOptions> = {}): this {
    return this.attach(srv, opts);
  }

  attach(srv: AnyHttpServer | number, opts: Partial<ServerOptions> = {}): this {
    if (typeof srv === "number") {
      debug("creating http server on port %d", srv);
      const port = srv;
      srv = createServer((_req, res) => {
        res.writeHead(404);
        res.end();
      });
      srv.listen(port);
    }
    const engineOpts = { ...this._opts.engine, ...opts, path: this._path };
    this.httpServer = srv;
    this.initEngine(srv, engineOpts);
    // After the engine: the bundle URLs live under the engine's path and must be answered first.
    if (this._serveClient) attachClientServing(srv, this._path, { cors: this._opts.engine.cors as CorsOptions | boolean | undefined });
    return this;
  }

  private initEngine(srv: AnyHttpServer, opts: Record<string, unknown>): void {
    debug("creating engine on path %s", this._path);
    const engine = new Engine(opts);
    engine.attach(srv as HttpServer, opts);
    this.bind(engine);
  }

  /** Uses an engine.io-compatible server (ours, or the official `engine.io` one). */
  bind(engine: Engine | EngineServerLike): this {
    this.engine = engine as Engine;
    engine.on("connection", (conn: EngineConnection) => this.onconnection(conn));
    return this;
  }

  /** Takes a new engine connection. */
  onconnection(conn: EngineConnection): this {
    debug("incoming connection %s", conn.id);
    if (this.handingOver) {
      conn.close();
      return this;
    }
    const client = new Client<ListenEvents, EmitEvents, ServerSideEvents, SocketData>(this, conn);
    // Engine.IO v3 clients join the main namespace without asking.
    if (conn.protocol === 3) client.connect("/");
    return this;
  }

  /** Asks the dynamic namespaces, in order, whether one accepts `name`; creates the child. */
  _checkNamespace(
    name: string,
    auth: Record<string, unknown>,
    fn: (nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | false) => void,
  ): void {
    const entries = [...this.parentNsps.entries()];
    const tryNext = (i: number): void => {
      const entry = entries[i];
      if (!entry) {
        fn(false);
        return;
      }
      const [matcher, parent] = entry;
      matcher(name, auth, (err, allow) => {
        if (err || !allow) {
          tryNext(i + 1);
          return;
        }
        // A concurrent request may have created it meanwhile.
        const existing = this._nsps.get(name);
        if (existing) fn(existing);
        else fn(parent.createChild(name));
      });
    };
    tryNext(0);
  }

  /**
   * Looks up or creates a namespace. A RegExp or a function creates a dynamic (parent) namespace
   * whose children are created on demand.
   */
  of(
    name: string | RegExp | ParentNspNameMatchFn,
    fn?: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void,
  ): Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    if (typeof name === "function" || name instanceof RegExp) {
      const parent = new ParentNamespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>(this);
      if (typeof name === "function") {
        this.parentNsps.set(name, parent);
      } else {
        const regexp = name;
        this.parentNsps.set((nsp, _auth, next) => next(null, regexp.test(nsp)), parent);
        this.parentNamespacesFromRegExp.set(regexp, parent);
      }
      if (fn) parent.on("connect", fn);
      return parent;
    }
    if (name.charAt(0) !== "/") name = "/" + name;
    let nsp = this._nsps.get(name);
    if (!nsp) {
      for (const [regexp, parent] of this.parentNamespacesFromRegExp) {
        if (regexp.test(name)) return parent.createChild(name);
      }
      debug("creating namespace %s", name);
      nsp = new Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>(this, name);
      this._nsps.set(name, nsp);
      if (name !== "/") this.sockets._emitNewNamespace(nsp);
    }
    if (fn) nsp.on("connect", fn);
    return nsp;
  }

  /**
   * Disconnects every socket ("server shutting down"), closes the adapters, then the engine and the
   * HTTP server. Nothing already emitted is lost: each connection first writes what it holds
   * (within the engine's `shutdownTimeout`, default 5 s), then closes; clients see their
   * transport close (and may reconnect to another node).
   *
   * With `{ handover }` (a rolling deploy), the node first stops listening, then ends its
   * connections spread over `handover.window` ms, so that the other nodes take the reconnections at
   * a bounded rate; with connection state recovery on a cluster adapter, each client recovers its
   * session there, missing nothing (see docs/scaling-out.md, "Rolling deploys").
   *
   * @example
   * process.on("SIGTERM", () => io.close({ handover: { window: 10_000 } }));
   */
  close(fn?: (err?: Error) => void): Promise<void>;
  close(opts: CloseOptions, fn?: (err?: Error) => void): Promise<void>;
  close(optsOrFn?: CloseOptions | ((err?: Error) => void), maybeFn?: (err?: Error) => void): Promise<void> {
    const fn = typeof optsOrFn === "function" ? optsOrFn : maybeFn;
    const opts = typeof optsOrFn === "object" && optsOrFn !== null ? optsOrFn : {};
    // Validated before anything closes: a bad option throws here, synchronously.
    const handover = resolveHandover(opts.handover, this._opts.connectionStateRecovery?.maxDisconnectionDuration);
    return this.closeNow(handover, fn);
  }

  private async closeNow(handover: ResolvedHandover | undefined, fn: ((err?: Error) => void) | undefined): Promise<void> {
    // A handover stops listening first: new clients go to the other nodes meanwhile. Not a server
    // that does not listen (a cluster worker fed by its primary): its "close" would come at once,
    // and the engine closes every session on it.
    const httpClosed = handover && this.httpServer?.listening ? this.closeHttpServer() : undefined;
    if (handover) {
      this.handingOver = true;
      const { handedOver, left } = await handOverConnections(this.engineConnections(), handover);
      debug("handover done: %d connection(s) handed over, %d left", handedOver, left);
      if (!(await this._answers.settled(handover.grace))) debug("handover: handlers still unanswered after %d ms", handover.grace);
    }
    await Promise.allSettled(
      [...this._nsps.values()].map(async (nsp) => {
        for (const socket of [...nsp.sockets.values()]) socket._onclose("server shutting down");
        await nsp.adapter.close();
      }),
    );
    // Typed as ours, but `bind()` may have been given an engine.io server.
    const engine: Partial<Engine> | undefined = this.engine;
    // A bound engine.io server has no graceful shutdown: it closes at once, as in socket.io.
    if (typeof engine?.shutdown === "function") await engine.shutdown();
    else engine?.close?.();
    // Awaited apart: `fn?.(await x)` would skip the await when there is no callback.
    const err = await (httpClosed ?? this.closeHttpServer());
    fn?.(err);
  }

  /**
   * Closes the HTTP server; resolves with its error. A server that is not listening answers
   * ERR_SERVER_NOT_RUNNING: the callback of `close()` gets it, the promise still resolves (as with socket.io).
   */
  private closeHttpServer(): Promise<Error | undefined> {
    const srv = this.httpServer;
    if (!srv) return Promise.resolve(undefined);
    return new Promise((resolve) => srv.close((err?: Error) => resolve(err)));
  }

  /** The engine's open connections (ours and engine.io's both keep them in `clients`). */
  private engineConnections(): HandedConnection[] {
    const clients = (this.engine as { clients?: Record<string, HandedConnection> } | undefined)?.clients;
    if (clients) return Object.values(clients);
    const conns = new Set<HandedConnection>();
    for (const nsp of this._nsps.values()) for (const socket of nsp.sockets.values()) conns.add(socket.client.conn);
    return [...conns];
  }

  // Middlewares and broadcast operators of the main namespace.

  use(fn: NamespaceMiddleware<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): this {
    this.sockets.use(fn);
    return this;
  }

  to(room: Room | Room[]): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.sockets.to(room);
  }

  in(room: Room | Room[]): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.sockets.in(room);
  }

  except(room: Room | Room[]): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.sockets.except(room);
  }

  emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: EventParams<EmitEvents, Ev>): boolean {
    return this.sockets.emit(ev, ...args);
  }

  emitWithAck<Ev extends EventNamesWithAck<EmitEvents>>(
    ev: Ev,
    ...args: AllButLast<EventParams<EmitEvents, Ev>>
  ): Promise<FirstNonErrorArg<Last<EventParams<EmitEvents, Ev>>>> {
    return this.sockets.emitWithAck(ev, ...args);
  }

  send(...args: EventParams<EmitEvents, "message">): this {
    this.sockets.send(...args);
    return this;
  }

  write(...args: EventParams<EmitEvents, "message">): this {
    return this.send(...args);
  }

  serverSideEmit<Ev extends EventNames<ServerSideEvents>>(ev: Ev, ...args: EventParams<ServerSideEvents, Ev>): boolean {
    return this.sockets.serverSideEmit(ev, ...args);
  }

  serverSideEmitWithAck<Ev extends EventNamesWithAck<ServerSideEvents>>(
    ev: Ev,
    ...args: AllButLast<EventParams<ServerSideEvents, Ev>>
  ): Promise<FirstNonErrorArg<Last<EventParams<ServerSideEvents, Ev>>>[]> {
    return this.sockets.serverSideEmitWithAck(ev, ...args);
  }

  allSockets(): Promise<Set<SocketId>> {
    return this.sockets.allSockets();
  }

  compress(compress: boolean): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.sockets.compress(compress);
  }

  get volatile(): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.sockets.volatile;
  }

  get local(): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.sockets.local;
  }

  timeout(timeout: number): BroadcastOperator<DecorateAcknowledgementsWithTimeoutAndMultipleResponses<EmitEvents>, SocketData> {
    return this.sockets.timeout(timeout);
  }

  fetchSockets(): Promise<Array<Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | RemoteSocket<EmitEvents, SocketData>>> {
    return this.sockets.fetchSockets();
  }

  socketsJoin(room: Room | Room[]): void {
    this.sockets.socketsJoin(room);
  }

  socketsLeave(room: Room | Room[]): void {
    this.sockets.socketsLeave(room);
  }

  disconnectSockets(close = false): void {
    this.sockets.disconnectSockets(close);
  }

  // EventEmitter methods forward to the main namespace, as in socket.io.

  private get emitter(): EventEmitter {
    return this.sockets;
  }

  on<Ev extends ReservedOrUserEventNames<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents, Ev>,
  ): this {
    this.emitter.on(ev, listener);
    return this;
  }

  addListener<Ev extends ReservedOrUserEventNames<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents, Ev>,
  ): this {
    return this.on(ev, listener);
  }

  once<Ev extends ReservedOrUserEventNames<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents, Ev>,
  ): this {
    this.emitter.once(ev, listener);
    return this;
  }

  off<Ev extends ReservedOrUserEventNames<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents, Ev>,
  ): this {
    this.emitter.off(ev, listener);
    return this;
  }

  removeListener<Ev extends ReservedOrUserEventNames<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents, Ev>,
  ): this {
    return this.off(ev, listener);
  }

  removeAllListeners(ev?: string): this {
    this.sockets.removeAllListeners(ev);
    return this;
  }

  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- Node's EventEmitter signature
  listeners(ev: string): Function[] {
    return this.sockets.rawListeners(ev);
  }

  listenerCount(ev: string): number {
    return this.sockets.listenerCount(ev);
  }

  eventNames(): Array<string | symbol> {
    return this.sockets.eventNames();
  }
}
