import createDebug from "debug";
import { AUTH_REFRESH_EVENT, PacketType, type Packet } from "@switchboard/protocol";
import type {
  AllButLast,
  AnyListener,
  DecorateAcknowledgements,
  DecorateAcknowledgementsWithMultipleResponses,
  DefaultEventsMap,
  EventNames,
  EventNamesWithAck,
  EventParams,
  EventsMap,
  FirstNonErrorArg,
  Last,
} from "@switchboard/protocol";
import type { Adapter } from "./adapter/index.js";
import { refreshAuth } from "./auth/index.js";
import { BroadcastOperator } from "./broadcast-operator.js";
import type { Client } from "./client.js";
import { generateId } from "@switchboard/engine";
import { buildHandshake, NO_AUTH } from "./handshake.js";
import type { Namespace } from "./namespace.js";
import type { Server } from "./server.js";
import { assertNotReserved } from "./server-errors.js";
import {
  RECOVERABLE_DISCONNECT_REASONS,
  type BroadcastFlags,
  type DisconnectReason,
  type Handshake,
  type Session,
  type Room,
  type SocketId,
  type WriteOptions,
} from "./server-types.js";
import { ackSender, failTimedAcks, registerTimedAck } from "./socket-acks.js";
import { SOCKET_RESERVED_EVENTS, SocketListeners } from "./socket-listeners.js";

export type { SocketReservedEventsMap, SocketMiddleware } from "./socket-listeners.js";

const debug = createDebug("switchboard:server");

// Not frozen: engine.io's `write` normalises `options.compress` in place (to its default, true).
const NO_FLAGS: Readonly<BroadcastFlags> = {};
/** Write options of every ACK packet (what `packet()` would build for each; the engine only reads them). */
const ACK_OPTIONS: WriteOptions = { compress: true };

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * The server side of one client's membership in one namespace. Emits to and receives from that
 * client, joins rooms, and offers broadcast operators that exclude itself.
 *
 * @example
 * io.on("connection", (socket) => {
 *   socket.join("room1");
 *   socket.on("hello", (name, ack) => ack(`hi ${name}`));
 *   socket.to("room1").emit("joined", socket.id);
 * });
 */
export class Socket<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = any,
> extends SocketListeners<ListenEvents, EmitEvents> {
  /** 20-character id; the socket is always in the room of that name. */
  readonly id: SocketId;
  readonly nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  readonly client: Client<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  /** Whether this socket resumed a previous session (connection state recovery). */
  readonly recovered: boolean = false;
  connected = false;

  /** Private session id, only with connection state recovery. */
  private readonly pid: string | undefined;
  /** Modifiers of the next emit; the shared empty object until one is set, so plain emits allocate none. */
  private flags: Readonly<BroadcastFlags> = NO_FLAGS;
  /**
   * The session this socket resumes, until it is let in: its rooms are joined then (never before
   * its auth ran), and what it missed is replayed.
   */
  private restoredSession: Session | undefined;
  /**
   * Set when the socket left after being connected (a socket refused by a middleware never was):
   * "kept" when its session was kept for recovery (emits to it are then kept too).
   */
  private departure: "left" | "kept" | undefined;
  // Created on first use: most sockets never wait for an ack, and many never get data.
  private pendingAcks: Map<number, AnyListener> | undefined;
  /** Acks waiting with a timeout: how to fail each at once when the socket leaves. */
  private timedAcks: Map<number, () => void> | undefined;
  private userData: SocketData | undefined;
  // The handshake is built on first read: most sockets never look at it, and it costs a parsed
  // query, a date string and an object per connection.
  private auth: Record<string, unknown> | undefined;
  private readonly issued = Date.now();
  private builtHandshake: Handshake | undefined;

  constructor(
    nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    client: Client<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    auth: Record<string, unknown>,
    previousSession?: Session,
  ) {
    super();
    this.nsp = nsp;
    this.client = client;
    if (previousSession) {
      this.id = previousSession.sid;
      this.pid = previousSession.pid;
      this.restoredSession = previousSession;
      this.data = previousSession.data as SocketData;
      this.recovered = true;
    } else {
      // socket.io-client 2.x works out its id itself: "<nsp>#<engine id>", the engine id on "/".
      this.id = client.conn.protocol === 3 ? (nsp.name === "/" ? client.id : `${nsp.name}#${client.id}`) : generateId();
      if (this.server._opts.connectionStateRecovery) this.pid = generateId();
    }
    this.auth = auth === NO_AUTH ? undefined : auth;
  }

  private get server(): Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    return this.nsp.server;
  }

  private get adapter(): Adapter {
    return this.nsp.adapter;
  }

  /** The details of the connection: headers, query, address, time, and the CONNECT `auth`. */
  get handshake(): Handshake {
    return (this.builtHandshake ??= buildHandshake(this.client.request, this.client.conn.remoteAddress, (this.auth ??= {}), this.issued));
  }

  /** Anything you want to attach to the socket; `fetchSockets()` returns it too. */
  get data(): SocketData {
    return (this.userData ??= {} as SocketData);
  }

  set data(data: SocketData) {
    this.userData = data;
  }

  /** Callbacks waiting for the client's ACK, by ack id (the adapter registers broadcast acks here). */
  get acks(): Map<number, AnyListener> {
    return (this.pendingAcks ??= new Map());
  }

  /** The engine connection (engine.io-compatible socket). */
  get conn() {
    return this.client.conn;
  }

  /** The HTTP request that opened the connection. */
  get request() {
    return this.client.request;
  }

  /** The rooms this socket is in (its own id included). */
  get rooms(): Set<Room> {
    return this.adapter.socketRooms(this.id) ?? new Set();
  }

  get disconnected(): boolean {
    return !this.connected;
  }

  /**
   * Flow control: true while the connection holds `writeBufferHighWaterMark` bytes or more for
   * this client (shared by the namespaces of one connection). Always false on engine.io.
   */
  get writableNeedDrain(): boolean {
    return this.client.conn.writableNeedDrain === true;
  }

  /**
   * Emits an event to this client. A function as last argument is called with the client's
   * acknowledgement. Throws on a reserved event name. Returns false when the connection holds
   * `writeBufferHighWaterMark` bytes or more for the client (the packet is queued all the same):
   * a producer then waits for `drain`.
   *
   * @example
   * if (!socket.emit("chunk", data)) await once(socket, "drain");
   */
  override emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: EventParams<EmitEvents, Ev>): boolean {
    assertNotReserved(ev, SOCKET_RESERVED_EVENTS);
    const data: unknown[] = [ev, ...args];
    const packet: Packet = { type: PacketType.EVENT, nsp: this.nsp.name, data };
    const flags = this.flags;
    this.flags = NO_FLAGS;
    if (typeof data[data.length - 1] === "function") {
      const id = this.nsp._ids++;
      this.registerAckCallback(id, data.pop() as AnyListener, flags.timeout);
      packet.id = id;
    }
    if (this.server._opts.connectionStateRecovery && packet.id === undefined && (this.connected || this.departure === "kept")) {
      // Through the adapter so that the packet gets an offset and is kept for a reconnection: a
      // socket whose session was kept gets it on recovery, like the broadcasts it missed.
      this.adapter.broadcast(packet, { rooms: new Set([this.id]), except: new Set(), flags });
    } else {
      this.notifyOutgoingListeners(packet);
      // The engine compresses unless told `compress: false`, so the flags go down as they are.
      this.client._packet(packet, flags);
    }
    if (this.client.conn.writableNeedDrain !== true) return true;
    this.client._awaitDrain(this);
    return false;
  }

  /** The connection fell back under its high-water mark after an emit of this socket returned false. */
  _ondrain(): void {
    if (this.connected) this.emitReserved("drain");
  }

  /** Emits and resolves with the acknowledgement (rejects on `timeout()`). */
  emitWithAck<Ev extends EventNamesWithAck<EmitEvents>>(
    ev: Ev,
    ...args: AllButLast<EventParams<EmitEvents, Ev>>
  ): Promise<FirstNonErrorArg<Last<EventParams<EmitEvents, Ev>>>> {
    const withErr = this.flags.timeout !== undefined;
    type Answer = FirstNonErrorArg<Last<EventParams<EmitEvents, Ev>>>;
    return new Promise((resolve, reject) => {
      const ack = (...answer: unknown[]) => {
        if (!withErr) return resolve(answer[0] as Answer);
        // With a timeout the ack is called Node-style: the timeout's error, or null and the answer.
        const [err, value] = answer as [Error | null, unknown];
        if (err) reject(err);
        else resolve(value as Answer);
      };
      (this.emit as (ev: string, ...a: unknown[]) => boolean)(ev as string, ...args, ack);
    });
  }

  /** Sends a `message` event. */
  send(...args: EventParams<EmitEvents, "message">): this {
    (this.emit as (ev: string, ...a: unknown[]) => boolean)("message", ...args);
    return this;
  }

  write(...args: EventParams<EmitEvents, "message">): this {
    return this.send(...args);
  }

  private registerAckCallback(id: number, ack: AnyListener, timeout: number | undefined): void {
    if (timeout === undefined) this.acks.set(id, ack);
    else registerTimedAck(this, this.acks, (this.timedAcks ??= new Map<number, () => void>()), id, ack, timeout);
  }

  /** @internal Sends the acknowledgement `id` of an incoming event. */
  _sendAck(id: number, data: unknown[]): void {
    this.server._answers.done();
    this.client._packet({ id, type: PacketType.ACK, nsp: this.nsp.name, data }, ACK_OPTIONS);
  }

  /** Writes a packet to this client in this namespace. */
  packet(packet: Packet | unknown[], opts: WriteOptions = {}): void {
    if (!Array.isArray(packet)) packet.nsp = this.nsp.name;
    opts.compress = opts.compress !== false;
    this.client._packet(packet, opts);
  }

  /** Joins one or several rooms (not once the socket has left: it would stay in them for good). */
  join(rooms: Room | Room[]): Promise<void> | void {
    if (this.departure !== undefined) return debug("socket %s has left, join ignored", this.id);
    return this.adapter.addAll(this.id, new Set(Array.isArray(rooms) ? rooms : [rooms]));
  }

  /** Leaves a room. */
  leave(room: Room): Promise<void> | void {
    return this.adapter.del(this.id, room);
  }

  private leaveAll(): void {
    this.adapter.delAll(this.id);
  }

  /** Replaces `handshake.auth` (a token refresh); returns the previous value. */
  _replaceAuth(auth: Record<string, unknown>): Record<string, unknown> {
    const previous = this.auth ?? {};
    this.auth = auth;
    if (this.builtHandshake) this.builtHandshake.auth = auth;
    return previous;
  }

  /**
   * Called by the namespace once the auth and middlewares let the socket in. A recovered socket
   * gets back its rooms, then what it missed, then CONNECT: the order socket.io writes them in (its
   * client holds events that come before CONNECT and emits them before `connect`).
   */
  _onconnect(): void {
    this.connected = true;
    const restored = this.restoredSession;
    this.restoredSession = undefined;
    const rooms = restored?.rooms;
    void this.join(rooms ? [this.id, ...rooms] : this.id);
    // In its rooms before anything is replayed: what the adapter delivers from now on reaches it.
    const late = this.pid === undefined ? undefined : this.adapter.sessionConnected(this, this.pid);
    const missed = restored?.missedPackets;
    if (missed) this.replay(missed);
    if (late) this.replay(late);
    if (this.conn.protocol === 3) {
      this.packet({ type: PacketType.CONNECT, nsp: this.nsp.name });
    } else {
      // `pid` only with connection state recovery (binary parsers would encode an undefined key).
      const data = this.pid === undefined ? { sid: this.id } : { sid: this.id, pid: this.pid };
      this.packet({ type: PacketType.CONNECT, nsp: this.nsp.name, data });
    }
  }

  /** Sends the events a recovered session missed, in order. */
  private replay(events: unknown[][]): void {
    for (const data of events) this.packet({ type: PacketType.EVENT, nsp: this.nsp.name, data });
  }

  /** Handles a packet the client sent to this namespace. */
  _onpacket(packet: Packet): void {
    switch (packet.type) {
      case PacketType.EVENT:
      case PacketType.BINARY_EVENT:
        this.onevent(packet);
        break;
      case PacketType.ACK:
      case PacketType.BINARY_ACK:
        this.onack(packet);
        break;
      case PacketType.DISCONNECT:
        this._onclose("client namespace disconnect");
        break;
      default:
        debug("unexpected packet type %d from %s", packet.type, this.id);
    }
  }

  private onevent(packet: Packet): void {
    const args: unknown[] = Array.isArray(packet.data) ? packet.data : [];
    if (args[0] === "drain") {
      debug('dropping a "drain" event from %s: the name is reserved for flow control', this.id);
      return;
    }
    const id = packet.id;
    if (id != null) {
      this.server._answers.start();
      args.push(ackSender(this, id));
    }
    if (args[0] === AUTH_REFRESH_EVENT) {
      // Answered by the server's auth, never by the application's listeners.
      refreshAuth(this, this.nsp._authMiddleware(), args.slice(1));
      return;
    }
    this.anyListeners?.call(this, args);
    this.dispatch(args);
  }

  private onack(packet: Packet): void {
    const ack = packet.id === undefined ? undefined : this.pendingAcks?.get(packet.id);
    if (!ack) {
      debug("unknown ack id %s from %s", packet.id, this.id);
      return;
    }
    this.pendingAcks!.delete(packet.id!);
    ack.apply(this, Array.isArray(packet.data) ? packet.data : []);
  }

  /** Runs the packet middlewares, then the listeners. */
  private dispatch(event: unknown[]): void {
    if (!this.fns?.length) {
      // No middleware: straight to the listeners, in arrival order.
      this.emitUntypedArray(event);
      return;
    }
    this.runMiddlewares(event, (err) => {
      process.nextTick(() => {
        if (err) {
          this._onerror(err);
          return;
        }
        if (this.connected) this.emitUntypedArray(event);
        else debug("ignoring packet received after disconnection");
      });
    });
  }

  /** An error for this socket: its `error` listeners hear it, or it is logged. */
  _onerror(err: Error): void {
    if (this.listenerCount("error") > 0) this.emitReserved("error", err);
    else debug("socket %s error without listener: %s", this.id, err.message);
  }

  /** Leaves the namespace: `disconnecting` (rooms still there), cleanup, then `disconnect`. */
  _onclose(reason: DisconnectReason, description?: unknown): this | undefined {
    if (!this.connected) return this;
    debug("socket %s closing: %s", this.id, reason);
    this.emitReserved("disconnecting", reason, description);
    if (this.server._opts.connectionStateRecovery && RECOVERABLE_DISCONNECT_REASONS.has(reason) && this.pid) {
      void Promise.resolve(this.adapter.persistSession({ sid: this.id, pid: this.pid, rooms: [...this.rooms], data: this.data })).catch((err: Error) =>
        debug("persistSession failed: %s", err.message),
      );
      this.departure = "kept";
    }
    this.departure ??= "left";
    this._cleanup();
    this.client._remove(this);
    this.connected = false;
    this.emitReserved("disconnect", reason, description);
    return undefined;
  }

  /** Leaves every room and the namespace. */
  _cleanup(): void {
    this.leaveAll();
    this.nsp._remove(this);
    this.pendingAcks = undefined;
    if (this.timedAcks !== undefined) failTimedAcks(this.timedAcks);
    this.timedAcks = undefined;
  }

  /** Disconnects from this namespace; with `close`, closes the whole connection. */
  disconnect(close = false): this {
    if (!this.connected) return this;
    if (close) {
      this.client._disconnect();
    } else {
      this.packet({ type: PacketType.DISCONNECT, nsp: this.nsp.name });
      this._onclose("server namespace disconnect");
    }
    return this;
  }

  /** Whether the next emit is compressed. */
  compress(compress: boolean): this {
    this.flags = { ...this.flags, compress };
    return this;
  }

  /** The next emit may be dropped if the client cannot receive it right now. */
  get volatile(): this {
    this.flags = { ...this.flags, volatile: true };
    return this;
  }

  /** The next emit's acknowledgement fails after `timeout` ms. */
  timeout(timeout: number): Socket<ListenEvents, DecorateAcknowledgements<EmitEvents>, ServerSideEvents, SocketData> {
    this.flags = { ...this.flags, timeout };
    return this;
  }

  private newBroadcastOperator(): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    const flags = { ...this.flags };
    this.flags = NO_FLAGS;
    return new BroadcastOperator(this.adapter, new Set<Room>(), new Set<Room>([this.id]), flags);
  }

  /** Everyone in the namespace but this socket. */
  get broadcast(): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.newBroadcastOperator();
  }

  /** Only the sockets of this server node. */
  get local(): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.newBroadcastOperator().local;
  }

  /** Targets a room (or rooms), excluding this socket. */
  to(room: Room | Room[]): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.newBroadcastOperator().to(room);
  }

  in(room: Room | Room[]): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.newBroadcastOperator().in(room);
  }

  except(room: Room | Room[]): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.newBroadcastOperator().except(room);
  }
}
