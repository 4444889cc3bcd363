import { inspect } from "node:util";
import createDebug from "debug";
import { PacketType } from "@switchboard/protocol";
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
  RemoveAcknowledgements,
} from "@switchboard/protocol";
import type { Adapter } from "./adapter/index.js";
import type { AuthMiddleware } from "./auth/index.js";
import { BroadcastOperator } from "./broadcast-operator.js";
import type { Client } from "./client.js";
import type { RemoteSocket } from "./remote-socket.js";
import type { Server } from "./server.js";
import { assertNotReserved } from "./server-errors.js";
import type { Session, Room, SocketId } from "./server-types.js";
import { Socket } from "./socket.js";
import { TypedEventEmitter } from "./typed-event-emitter.js";

const debug = createDebug("switchboard:server");

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Events a namespace emits locally. */
export interface NamespaceReservedEventsMap<ListenEvents extends EventsMap, EmitEvents extends EventsMap, ServerSideEvents extends EventsMap, SocketData> {
  connect: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void;
  connection: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void;
}

/** Events of the main namespace (and of the Server, which forwards to it). */
export interface ServerReservedEventsMap<
  ListenEvents extends EventsMap,
  EmitEvents extends EventsMap,
  ServerSideEvents extends EventsMap,
  SocketData,
> extends NamespaceReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
  new_namespace: (namespace: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void;
}

/** Namespace middleware: runs before `connection`; `next(err)` refuses the socket. */
export type NamespaceMiddleware<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = any,
> = (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, next: (err?: ExtendedError) => void) => void;

/** A middleware error; `data` reaches the client's `connect_error` as `err.data`. */
export interface ExtendedError extends Error {
  data?: unknown;
}

const NAMESPACE_RESERVED_EVENTS: ReadonlySet<string> = new Set(["connect", "connection", "new_namespace"]);

/**
 * A communication channel multiplexed over the same connections (`/`, `/admin`, ...), with its
 * own middlewares, rooms, sockets and adapter.
 *
 * @example
 * const admin = io.of("/admin");
 * admin.use((socket, next) => (socket.handshake.auth.token ? next() : next(new Error("no token"))));
 * admin.on("connection", (socket) => admin.to("staff").emit("joined", socket.id));
 */
export class Namespace<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = any,
> extends TypedEventEmitter<
  ServerSideEvents,
  RemoveAcknowledgements<EmitEvents>,
  ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>
> {
  readonly name: string;
  /** Connected sockets of this node, by id. */
  readonly sockets = new Map<SocketId, Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();
  adapter!: Adapter;
  readonly server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  /** Ack id counter shared by the namespace's emits (the adapter uses it for broadcasts). */
  _ids = 0;
  /** Middlewares, in registration order. */
  _fns: NamespaceMiddleware<ListenEvents, EmitEvents, ServerSideEvents, SocketData>[] = [];
  /** The parent of a dynamic namespace: its middlewares run first, its listeners hear connections. */
  _parent: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | undefined;

  constructor(server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, name: string) {
    super();
    this.server = server;
    this.name = name;
    this._initAdapter();
  }

  /** Creates the adapter from the server's `adapter` option. */
  _initAdapter(): void {
    const previous = this.adapter as Adapter | undefined;
    if (previous) void Promise.resolve(previous.close()).catch((err: Error) => debug("adapter close failed: %s", err.message));
    const make = this.server.adapter() as unknown as (new (nsp: unknown) => Adapter) & ((nsp: unknown) => Adapter);
    // A class or a `function` factory is called with `new`, as socket.io does; an arrow factory cannot be.
    this.adapter = make.prototype === undefined ? make(this) : new make(this);
    void Promise.resolve(this.adapter.init()).catch((err: Error) => debug("adapter init failed: %s", err.message));
  }

  /** Registers a middleware run for every incoming socket. */
  use(fn: NamespaceMiddleware<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): this {
    this._fns.push(fn);
    return this;
  }

  /**
   * What a socket goes through before it connects: the server's `auth` first (unless this
   * namespace is public), then the parent's and this namespace's middlewares. A recovered session
   * with `skipMiddlewares` skips the middlewares, never the auth.
   */
  private middlewares(
    socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
  ): NamespaceMiddleware<ListenEvents, EmitEvents, ServerSideEvents, SocketData>[] {
    const skip = socket.recovered && this.server._opts.connectionStateRecovery?.skipMiddlewares === true;
    const own = skip ? [] : this._parent ? [...this._parent._fns, ...this._fns] : this._fns.slice();
    const auth = this._authMiddleware();
    if (auth) own.unshift(auth);
    return own;
  }

  /** The server's auth middleware for this namespace; undefined when there is none or the namespace is public. */
  _authMiddleware(): AuthMiddleware | undefined {
    const auth = this.server._opts.auth;
    return auth === undefined || auth.isPublic(this.name) ? undefined : auth.middleware;
  }

  private run(socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, done: (err?: ExtendedError) => void): void {
    const fns = this.middlewares(socket);
    if (fns.length === 0) {
      done();
      return;
    }
    const authRuns = fns[0] === (this._authMiddleware() as unknown);
    const step = (i: number): void => {
      let called = false;
      const next = (err?: ExtendedError) => {
        if (called) return debug("next() called twice by middleware %d of %s", i, this.name);
        called = true;
        if (err) {
          // One plain line says which check refused which socket where, and why.
          const check = authRuns && i === 0 ? "the auth" : `middleware #${authRuns ? i : i + 1}`;
          const code = (err.data as { code?: unknown } | undefined)?.code;
          debug(
            "socket %s refused on namespace %s by %s: %s%s",
            socket.id,
            this.name,
            check,
            err.message,
            code === undefined ? "" : ` (${typeof code === "string" || typeof code === "number" ? code : inspect(code)})`,
          );
          done(err);
        } else if (i + 1 >= fns.length) done();
        else step(i + 1);
      };
      try {
        fns[i](socket, next);
      } catch (err) {
        next(err as ExtendedError);
      }
    };
    step(0);
  }

  to(room: Room | Room[]): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return new BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData>(this.adapter).to(room);
  }

  in(room: Room | Room[]): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.to(room);
  }

  except(room: Room | Room[]): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return new BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData>(this.adapter).except(room);
  }

  /** Admits a client: restores or creates its socket, runs the auth and middlewares, then connects it. */
  async _add(
    client: Client<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    auth: Record<string, unknown>,
    fn: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void,
  ): Promise<void> {
    const { socket, session } = await this.createSocket(client, auth);
    this.run(socket, (err) => {
      process.nextTick(() => {
        if (client.conn.readyState !== "open") {
          debug("connection closed during the middlewares, socket dropped");
          this.giveBack(session);
          socket._cleanup();
          return;
        }
        if (err) {
          this.giveBack(session);
          socket._cleanup();
          client._packet({
            type: PacketType.CONNECT_ERROR,
            nsp: this.name,
            // A v2 client reads the error itself: `data` if any, else the message (as socket.io 4 sends it).
            data:
              client.conn.protocol === 3
                ? err.data || err.message
                : err.data === undefined
                  ? { message: err.message }
                  : { message: err.message, data: err.data },
          });
          return;
        }
        this.doConnect(socket, fn);
      });
    });
  }

  /**
   * A restored session whose socket was refused (an expired token, say) is stored again as it was,
   * so that the client recovers it once it comes back with a valid token: a refusal loses nothing.
   */
  private giveBack(session: Session | undefined): void {
    if (!session) return;
    const { missedPackets: _replayedLater, ...kept } = session;
    void Promise.resolve(this.adapter.persistSession(kept)).catch((err: Error) => debug("persistSession failed: %s", err.message));
  }

  private async createSocket(
    client: Client<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    auth: Record<string, unknown>,
  ): Promise<{ socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>; session?: Session }> {
    const { pid, offset } = auth;
    if (this.server._opts.connectionStateRecovery && typeof pid === "string" && typeof offset === "string") {
      let session: Session | null | undefined;
      try {
        session = await this.adapter.restoreSession(pid, offset);
      } catch (err) {
        debug("restoreSession failed: %s", (err as Error).message);
      }
      if (session) {
        debug("session %s restored", session.sid);
        return { socket: new Socket(this, client, auth, session), session };
      }
    }
    return { socket: new Socket(this, client, auth) };
  }

  private doConnect(
    socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    fn: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void,
  ): void {
    this.sockets.set(socket.id, socket);
    socket._onconnect();
    fn(socket);
    this.emitReserved("connect", socket);
    this.emitReserved("connection", socket);
    const parent = this._parent;
    if (parent) parent._emitConnection(socket);
  }

  /** Lets a child namespace announce its connections on its parent. */
  _emitConnection(socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void {
    this.emitReserved("connect", socket);
    this.emitReserved("connection", socket);
  }

  /** Announces a namespace created on the server (only called on the main namespace). */
  _emitNewNamespace(nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void {
    this.emitReserved("new_namespace", nsp);
  }

  /** Forgets a socket that left. */
  _remove(socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void {
    this.sockets.delete(socket.id);
  }

  /** Emits to every socket of the namespace (a function as last argument collects acks). */
  override emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: EventParams<EmitEvents, Ev>): boolean {
    return new BroadcastOperator<EmitEvents, SocketData>(this.adapter).emit(ev, ...args);
  }

  emitWithAck<Ev extends EventNamesWithAck<EmitEvents>>(
    ev: Ev,
    ...args: AllButLast<EventParams<EmitEvents, Ev>>
  ): Promise<FirstNonErrorArg<Last<EventParams<EmitEvents, Ev>>>> {
    return new BroadcastOperator<EmitEvents, SocketData>(this.adapter).emitWithAck(ev, ...args);
  }

  /** Sends a `message` event to every socket. */
  send(...args: EventParams<EmitEvents, "message">): this {
    (this.emit as (ev: string, ...a: unknown[]) => boolean)("message", ...args);
    return this;
  }

  write(...args: EventParams<EmitEvents, "message">): this {
    return this.send(...args);
  }

  /** Emits to the other server nodes (through the adapter); they receive it as a namespace event. */
  serverSideEmit<Ev extends EventNames<ServerSideEvents>>(ev: Ev, ...args: EventParams<ServerSideEvents, Ev>): boolean {
    assertNotReserved(ev, NAMESPACE_RESERVED_EVENTS);
    this.adapter.serverSideEmit([ev, ...args]);
    return true;
  }

  /** Same as `serverSideEmit` with an acknowledgement, resolved with every node's answer. */
  serverSideEmitWithAck<Ev extends EventNamesWithAck<ServerSideEvents>>(
    ev: Ev,
    ...args: AllButLast<EventParams<ServerSideEvents, Ev>>
  ): Promise<FirstNonErrorArg<Last<EventParams<ServerSideEvents, Ev>>>[]> {
    return new Promise((resolve, reject) => {
      const ack = (err: Error | null, responses: FirstNonErrorArg<Last<EventParams<ServerSideEvents, Ev>>>[]) => (err ? reject(err) : resolve(responses));
      (this.serverSideEmit as (ev: string, ...a: unknown[]) => boolean)(ev as string, ...args, ack);
    });
  }

  /** Called by the adapter when another node used `serverSideEmit`. */
  _onServerSideEmit(args: [string, ...unknown[]]): void {
    this.emitUntyped(args[0], ...args.slice(1));
  }

  /** Ids of every socket in the namespace (deprecated upstream in favour of fetchSockets). */
  allSockets(): Promise<Set<SocketId>> {
    return new BroadcastOperator(this.adapter).allSockets();
  }

  compress(compress: boolean): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return new BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData>(this.adapter).compress(compress);
  }

  get volatile(): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return new BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData>(this.adapter).volatile;
  }

  get local(): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return new BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData>(this.adapter).local;
  }

  timeout(timeout: number): BroadcastOperator<DecorateAcknowledgementsWithTimeoutAndMultipleResponses<EmitEvents>, SocketData> {
    return new BroadcastOperator<EmitEvents, SocketData>(this.adapter).timeout(timeout);
  }

  fetchSockets(): Promise<Array<Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | RemoteSocket<EmitEvents, SocketData>>> {
    return new BroadcastOperator<EmitEvents, SocketData>(this.adapter).fetchSockets() as Promise<
      Array<Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | RemoteSocket<EmitEvents, SocketData>>
    >;
  }

  socketsJoin(room: Room | Room[]): void {
    new BroadcastOperator(this.adapter).socketsJoin(room);
  }

  socketsLeave(room: Room | Room[]): void {
    new BroadcastOperator(this.adapter).socketsLeave(room);
  }

  disconnectSockets(close = false): void {
    new BroadcastOperator(this.adapter).disconnectSockets(close);
  }
}
