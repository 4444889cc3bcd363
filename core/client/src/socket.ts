import createDebug from "debug";
import {
  PacketType,
  RESERVED_EVENTS,
  type AllButLast,
  type DecorateAcknowledgements,
  type DefaultEventsMap,
  type EventNames,
  type EventNamesWithAck,
  type EventParams,
  type EventsMap,
  type FirstNonErrorArg,
  type Last,
  type Packet,
} from "@switchboard/protocol";
import type { Manager } from "./manager.js";
import { OutgoingQueue, type QueuedPacketView } from "./outgoing-queue.js";
import { AckRegistry, type Ack } from "./ack-registry.js";
import { refreshAuth, type AuthRefreshTarget } from "./auth-refresh.js";
import { CatchAllListeners } from "./catch-all-listeners.js";

const debug = createDebug("switchboard:client:socket");

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyFn = (...args: any[]) => void;

export interface SocketOptions {
  /** Sent in the CONNECT packet; a function is called on every (re)connection. */
  auth?: Record<string, unknown> | ((cb: (data: Record<string, unknown>) => void) => void);
  /** Retry each emit this many times until acknowledged (packets are then sent one at a time). */
  retries?: number;
  /** Default timeout of acknowledgements, in milliseconds. */
  ackTimeout?: number;
}

export interface Flags {
  compress?: boolean;
  volatile?: boolean;
  timeout?: number;
  fromQueue?: boolean;
}

/** Why a socket disconnected, as Socket.IO names it. */
export type DisconnectReason =
  "io server disconnect" | "io client disconnect" | "ping timeout" | "transport close" | "transport error" | "parse error" | "forced close";

/** A middleware rejection carries the server's `data`. */
export interface ConnectError extends Error {
  data?: unknown;
}

export interface SocketReservedEvents {
  connect: () => void;
  connect_error: (err: ConnectError) => void;
  disconnect: (reason: DisconnectReason, description?: unknown) => void;
  /** Flow control: an `emit()` returned false, and the connection's buffer fell back under the mark. */
  drain: () => void;
}

/** Reserved here but not on the wire: the flow-control event (an incoming `drain` is dropped). */
const FLOW_CONTROL_EVENT = "drain";

type OutgoingPacket = Packet & { options?: { compress?: boolean; volatile?: boolean } };

/**
 * A connection to one namespace, multiplexed over its Manager's Engine.IO connection.
 *
 * @example
 * const socket = io("http://localhost:3000");
 * socket.on("connect", () => socket.emit("hello", "world", (reply: string) => console.log(reply)));
 */
export class Socket<ListenEvents extends EventsMap = DefaultEventsMap, EmitEvents extends EventsMap = ListenEvents> extends CatchAllListeners<
  ListenEvents,
  SocketReservedEvents
> {
  readonly io: Manager;
  readonly nsp: string;
  id: string | undefined;
  connected = false;
  /** Whether the last reconnection restored the session (connection state recovery). */
  recovered = false;
  auth: SocketOptions["auth"];
  receiveBuffer: unknown[][] = [];
  sendBuffer: OutgoingPacket[] = [];
  /** @internal */
  _pid: string | undefined;
  /** @internal */
  _lastOffset: string | undefined;
  readonly _opts: SocketOptions;
  readonly #acks: AckRegistry;
  #flags: Flags = {};
  #subs: Array<() => void> | undefined;
  #queue: OutgoingQueue;
  /** An emit returned false: `drain` is due. */
  #needDrain = false;

  constructor(io: Manager, nsp: string, opts: SocketOptions = {}) {
    super();
    this.io = io;
    this.nsp = nsp;
    this.auth = opts.auth;
    this._opts = { ...opts };
    this.#acks = new AckRegistry(io._timers);
    this.#queue = new OutgoingQueue(opts.retries ?? 0, (args, flags) => {
      this.#flags = flags;
      (this.emit as (...a: unknown[]) => this)(...args);
    });
    if (io._autoConnect) this.open();
  }

  /**
   * With `retries`: the emits not acknowledged yet, oldest (the one in flight) first. A read-only
   * copy under socket.io-client's name, for code that reads its length; empty without `retries`.
   *
   * @example
   * if (socket._queue.length > 100) showOfflineBanner();
   */
  get _queue(): readonly QueuedPacketView[] {
    return this.#queue.view();
  }

  get disconnected(): boolean {
    return !this.connected;
  }

  /**
   * Flow control: true while the connection holds `writeBufferHighWaterMark` bytes or more not
   * sent yet (shared by the namespaces of one Manager).
   */
  get writableNeedDrain(): boolean {
    return this.io.engine?.writableNeedDrain === true;
  }

  /** True while the socket is, or tries to be, connected (it reconnects on its own). */
  get active(): boolean {
    return !!this.#subs;
  }

  #subEvents(): void {
    if (this.#subs) return;
    const io = this.io;
    const on = (event: string, fn: AnyFn) => {
      io.on(event, fn);
      return () => io.off(event, fn);
    };
    this.#subs = [
      on("open", () => this.#onopen()),
      on("packet", (packet: Packet) => this.#onpacket(packet)),
      on("error", (err: Error) => this.#onerror(err)),
      on("close", (reason: DisconnectReason, description?: unknown) => this.#onclose(reason, description)),
    ];
  }

  connect(): this {
    if (this.connected) return this;
    this.#subEvents();
    if (!this.io._reconnecting) this.io.open();
    if (this.io._readyState === "open") this.#onopen();
    return this;
  }

  open(): this {
    return this.connect();
  }

  send(...args: unknown[]): this {
    return (this.emit as (...a: unknown[]) => this)("message", ...args);
  }

  /**
   * Sends an event (a function as last argument receives the acknowledgement). Returns the socket,
   * as socket.io-client does; for flow control, `writableNeedDrain` is true after an emit that
   * found the connection holding `writeBufferHighWaterMark` bytes or more not sent yet (the packet
   * is queued all the same), and `drain` comes when it is back under. Emits while disconnected
   * are buffered, as before.
   *
   * @example
   * if (socket.emit("chunk", data).writableNeedDrain) await new Promise((resolve) => socket.once("drain", resolve));
   */
  emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: EventParams<EmitEvents, Ev>): this;
  emit(ev: string | symbol, ...args: unknown[]): this {
    if (typeof ev === "string" && (RESERVED_EVENTS.has(ev) || ev === FLOW_CONTROL_EVENT)) throw new Error(`"${ev}" is a reserved event name`);
    const data: unknown[] = [ev, ...args];
    const flags = this.#flags;
    this.#flags = {};
    if (this.#queue.enabled && !flags.fromQueue && !flags.volatile) {
      this.#queue.add(data, flags);
      this.#queue.drain(this.connected);
      this.#noteWrite();
      return this;
    }
    const packet: OutgoingPacket = { type: PacketType.EVENT, nsp: this.nsp, data, options: { compress: flags.compress !== false } };
    if (typeof data[data.length - 1] === "function") {
      const ack = data.pop() as Ack;
      // Acks run with the socket as `this`, as socket.io-client's do; the flag must survive bind().
      const bound: Ack = Object.assign(ack.bind(this), { withError: ack.withError });
      packet.id = this.#acks.register(bound, flags.timeout ?? this._opts.ackTimeout, (id) => {
        this.sendBuffer = this.sendBuffer.filter((p) => p.id !== id);
      });
    }
    const engine = this.io.engine;
    const transportWritable = !!engine?.transport?.writable;
    const isConnected = this.connected && !engine?.hasPingExpired();
    if (flags.volatile && !transportWritable) {
      debug("discard volatile packet: transport not writable");
    } else if (isConnected) {
      this.notifyOutgoing(packet);
      this.#packet(packet);
    } else {
      this.sendBuffer.push(packet);
    }
    this.#noteWrite();
    return this;
  }

  /** After an emit: while the connection is over its mark, `drain` is due. */
  #noteWrite(): void {
    if (this.io.engine?.writableNeedDrain === true) this.#needDrain = true;
  }

  /** @internal The connection fell back under its high-water mark. */
  _ondrain(): void {
    if (!this.#needDrain) return;
    this.#needDrain = false;
    this.events.emit(FLOW_CONTROL_EVENT);
  }

  /** Emits and resolves with the acknowledgement (rejects on timeout or disconnection). */
  emitWithAck<Ev extends EventNamesWithAck<EmitEvents>>(
    ev: Ev,
    ...args: AllButLast<EventParams<EmitEvents, Ev>>
  ): Promise<FirstNonErrorArg<Last<EventParams<EmitEvents, Ev>>>> {
    return new Promise((resolve, reject) => {
      const fn: Ack = (err: Error | null, value: unknown) => (err ? reject(err) : resolve(value as never));
      fn.withError = true;
      (this.emit as (...a: unknown[]) => this)(ev, ...args, fn);
    });
  }

  /**
   * Hands a fresh `auth` (a new token) to a Switchboard server on the live connection, without
   * reconnecting; rejects with `err.data.code` if the server refuses it (nothing changes then).
   *
   * @example
   * await socket.refreshAuth({ token: await fetchFreshToken() });
   */
  refreshAuth(auth: Record<string, unknown>, timeoutMs?: number): Promise<void> {
    return refreshAuth(this as unknown as AuthRefreshTarget, auth, timeoutMs);
  }

  #packet(packet: OutgoingPacket): void {
    packet.nsp = this.nsp;
    this.io._packet(packet);
  }

  #onopen(): void {
    if (typeof this.auth === "function") {
      this.auth((data) => this.#sendConnectPacket(data));
    } else {
      this.#sendConnectPacket(this.auth);
    }
  }

  #sendConnectPacket(data: Record<string, unknown> | undefined): void {
    const payload = this._pid ? { pid: this._pid, offset: this._lastOffset, ...(data ?? {}) } : data;
    const packet: OutgoingPacket = { type: PacketType.CONNECT, nsp: this.nsp };
    if (payload !== undefined) packet.data = payload;
    this.#packet(packet);
  }

  #onerror(err: Error): void {
    if (!this.connected) this.events.emit("connect_error", err);
  }

  #onclose(reason: DisconnectReason, description?: unknown): void {
    debug("close (%s)", reason);
    this.connected = false;
    this.id = undefined;
    this.events.emit("disconnect", reason, description);
    this.#acks.clear((id) => this.sendBuffer.some((p) => p.id === id));
  }

  #onpacket(packet: Packet): void {
    if (packet.nsp !== this.nsp) return;
    switch (packet.type) {
      case PacketType.CONNECT:
        if (isConnectReply(packet.data)) {
          this.#onconnect(packet.data.sid, packet.data.pid);
        } else {
          this.events.emit(
            "connect_error",
            new Error(
              "It seems you are trying to reach a Socket.IO server in v2.x with a v3.x client, but they are not compatible (more information here: https://socket.io/docs/v3/migrating-from-2-x-to-3-0/)",
            ),
          );
        }
        break;
      case PacketType.EVENT:
      case PacketType.BINARY_EVENT:
        this.#onevent(packet);
        break;
      case PacketType.ACK:
      case PacketType.BINARY_ACK:
        this.#onack(packet);
        break;
      case PacketType.DISCONNECT:
        this.#ondisconnect();
        break;
      case PacketType.CONNECT_ERROR: {
        this.destroy();
        const data = packet.data as { message?: string; data?: unknown } | string;
        const err: ConnectError = new Error(typeof data === "string" ? data : (data?.message ?? "connect error"));
        if (typeof data === "object") err.data = data.data;
        this.events.emit("connect_error", err);
        break;
      }
    }
  }

  #onevent(packet: Packet): void {
    const args: unknown[] = (packet.data as unknown[]) ?? [];
    if (args[0] === FLOW_CONTROL_EVENT) {
      debug('dropping a "drain" event from the server: the name is reserved for flow control');
      return;
    }
    // With connection state recovery the server appends the packet's offset to events it keeps.
    if (this._pid && packet.id == null && args.length > 1 && typeof args[args.length - 1] === "string") {
      this._lastOffset = args.pop() as string;
    }
    if (packet.id != null) args.push(this.#ack(packet.id));
    if (this.connected) this.dispatchIncoming(args);
    else this.receiveBuffer.push(args);
  }

  #ack(id: number): AnyFn {
    let sent = false;
    return (...args: unknown[]) => {
      if (sent) return;
      sent = true;
      this.#packet({ type: PacketType.ACK, nsp: this.nsp, id, data: args });
    };
  }

  #onack(packet: Packet): void {
    this.#acks.resolve(packet.id, (packet.data as unknown[]) ?? []);
  }

  #onconnect(id: string, pid: string | undefined): void {
    debug("connected to %s as %s", this.nsp, id);
    this.id = id;
    this.recovered = !!pid && this._pid === pid;
    this._pid = pid;
    this.connected = true;
    for (const args of this.receiveBuffer) this.dispatchIncoming(args);
    this.receiveBuffer = [];
    const buffered = this.sendBuffer;
    this.sendBuffer = [];
    for (const packet of buffered) {
      this.notifyOutgoing(packet);
      this.#packet(packet);
    }
    // Everything that waited goes out before `connect` runs: an emit inside a `connect` listener
    // then queues behind the packet in flight instead of being followed by a forced re-send.
    this.#queue.drain(true, true);
    this.events.emit("connect");
    // A producer paused on a connection that was lost would otherwise wait for good.
    if (this.#needDrain && this.io.engine?.writableNeedDrain !== true) this._ondrain();
  }

  #ondisconnect(): void {
    this.destroy();
    this.#onclose("io server disconnect");
  }

  /** Stops listening to the Manager; it closes the connection when no namespace remains. */
  private destroy(): void {
    if (this.#subs) {
      for (const sub of this.#subs) sub();
      this.#subs = undefined;
    }
    this.io._destroy(this);
  }

  disconnect(): this {
    if (this.connected) this.#packet({ type: PacketType.DISCONNECT, nsp: this.nsp });
    this.destroy();
    if (this.connected) this.#onclose("io client disconnect");
    return this;
  }

  close(): this {
    return this.disconnect();
  }

  compress(compress: boolean): this {
    this.#flags.compress = compress;
    return this;
  }

  /** The next emit is dropped when the connection cannot send it right now. */
  get volatile(): this {
    this.#flags.volatile = true;
    return this;
  }

  /** The next emit's ack receives an error first, after `timeout` ms without an answer. */
  timeout(timeout: number): Socket<ListenEvents, DecorateAcknowledgements<EmitEvents>> {
    this.#flags.timeout = timeout;
    return this;
  }

  /** Emits locally, for reserved events (what socket.io-client names `emitReserved`). */
  emitReserved<Ev extends keyof SocketReservedEvents>(ev: Ev, ...args: Parameters<SocketReservedEvents[Ev]>): void {
    this.events.emit(ev, ...args);
  }
}

/** The CONNECT reply's payload: `{ sid }`, plus `pid` with connection state recovery. */
function isConnectReply(data: unknown): data is { sid: string; pid: string | undefined } {
  return typeof data === "object" && data !== null && typeof (data as { sid?: unknown }).sid === "string";
}
