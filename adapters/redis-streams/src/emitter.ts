import createDebug from "debug";
import { PacketType, RESERVED_EVENTS, type DefaultEventsMap, type EventNames, type EventParams, type EventsMap } from "@switchboard/protocol";
import { ClusterAdapterError, EMITTER_UID, MessageType, ServerError, toWireOptions } from "@switchboard/server";
import type { BroadcastFlags, ClusterMessage, Room, WireOptions } from "@switchboard/server";
import { encodeEntry, encodePubSub } from "./message-codec.js";
import { RedisConnection, type RedisStreamsClient } from "./redis-connection.js";
import { StreamPublisher } from "./stream-publisher.js";
import { channelsOf, resolveWireOptions, streamOf, type ResolvedWireOptions, type StreamsWireOptions } from "./streams-options.js";

const debug = createDebug("switchboard:redis-streams-emitter");

/** Options of `new Emitter(...)`: they must match the adapter's (same stream, same channels). */
export type EmitterOptions = StreamsWireOptions;

/** What an emitter and the emitters of its `of()` share. */
interface EmitterShared {
  connection: RedisConnection;
  opts: ResolvedWireOptions;
  publishers: Map<string, StreamPublisher>;
}

/**
 * Sends broadcasts, joins, leaves, disconnections and server-side events into a cluster of
 * Redis Streams nodes from a process that is not a server (a worker, a cron job...), as
 * `@socket.io/redis-emitter` does for the pub/sub adapter. Its messages go into the same stream as
 * the nodes' (retried through Redis outages from a bounded buffer), so clients recover them too.
 *
 * @example
 * const emitter = new Emitter(redisClient);
 * emitter.to("room1").emit("hello", "world");
 * emitter.of("/admin").in("staff").socketsJoin("on-call");
 * await emitter.flush();
 */
export class Emitter<EmitEvents extends EventsMap = DefaultEventsMap> {
  private readonly shared: EmitterShared;

  constructor(
    redisClient: RedisStreamsClient,
    opts: EmitterOptions = {},
    readonly nsp = "/",
  ) {
    if (!nsp.startsWith("/")) throw new TypeError(`nsp must start with "/" (got ${nsp})`);
    this.shared = { connection: RedisConnection.of(redisClient), opts: resolveWireOptions(opts), publishers: new Map() };
  }

  /** The emitter of another namespace (sharing this one's buffer). */
  of(nsp: string): Emitter<EmitEvents> {
    const child = Object.create(Emitter.prototype) as Emitter<EmitEvents>;
    Object.assign(child, { shared: this.shared, nsp: nsp.startsWith("/") ? nsp : `/${nsp}` });
    return child;
  }

  /** Emits to every client of the namespace, on every node. */
  emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: EventParams<EmitEvents, Ev>): true {
    return this.operator().emit(ev, ...args);
  }

  to(room: Room | Room[]): EmitterBroadcastOperator<EmitEvents> {
    return this.operator().to(room);
  }

  in(room: Room | Room[]): EmitterBroadcastOperator<EmitEvents> {
    return this.operator().to(room);
  }

  except(room: Room | Room[]): EmitterBroadcastOperator<EmitEvents> {
    return this.operator().except(room);
  }

  get volatile(): EmitterBroadcastOperator<EmitEvents> {
    return this.operator().volatile;
  }

  compress(compress: boolean): EmitterBroadcastOperator<EmitEvents> {
    return this.operator().compress(compress);
  }

  socketsJoin(rooms: Room | Room[]): void {
    this.operator().socketsJoin(rooms);
  }

  socketsLeave(rooms: Room | Room[]): void {
    this.operator().socketsLeave(rooms);
  }

  disconnectSockets(close = false): void {
    this.operator().disconnectSockets(close);
  }

  /** Emits to the server nodes of the namespace (they hear it as a namespace event). No acknowledgements. */
  serverSideEmit(ev: string, ...args: unknown[]): true {
    if (typeof args[args.length - 1] === "function") throw new TypeError("serverSideEmit from an emitter does not take acknowledgements");
    const message = { uid: EMITTER_UID, nsp: this.nsp, type: MessageType.SERVER_SIDE_EMIT, data: { packet: [ev, ...args] } } as ClusterMessage;
    const { requests } = channelsOf(this.nsp, this.shared.opts.channelPrefix);
    this.shared.connection.call(["PUBLISH", requests, encodePubSub(message)]).catch((err: Error) => debug("serverSideEmit not published: %s", err.message));
    return true;
  }

  /** Messages of this emitter still waiting for Redis. */
  get pendingPublishes(): number {
    let pending = 0;
    for (const publisher of this.shared.publishers.values()) pending += publisher.pending;
    return pending;
  }

  /** Resolves once every message given so far is in Redis, or after `timeoutMs` (then rejects). */
  async flush(timeoutMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const drained = Promise.all([...this.shared.publishers.values()].map((publisher) => publisher.whenDrained()));
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ClusterAdapterError("CLUSTER_UNREACHABLE", `${this.pendingPublishes} message(s) still wait for Redis after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([drained, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops retrying; messages not in Redis yet are dropped (call `flush()` first). */
  close(): void {
    for (const publisher of this.shared.publishers.values()) publisher.close();
    this.shared.publishers.clear();
  }

  /** Queues one message of this namespace; throws when the buffer is full. */
  private publish(message: ClusterMessage): void {
    const { opts, publishers, connection } = this.shared;
    const streamName = streamOf(this.nsp, opts);
    let publisher = publishers.get(streamName);
    if (!publisher) {
      publisher = new StreamPublisher(
        connection,
        { streamName, maxLen: opts.maxLen, maxPending: opts.maxPendingPublishes, historyMs: 10_000 },
        { onError: (err) => debug("%s", err.message), onReset: () => debug("stream %s was reset", streamName) },
      );
      publishers.set(streamName, publisher);
      publisher.start();
    }
    if (!publisher.enqueue(encodeEntry(message, opts.onlyPlaintext))) {
      throw new ClusterAdapterError("CLUSTER_PUBLISH_BUFFER_FULL", `${opts.maxPendingPublishes} messages already wait for Redis`);
    }
  }

  private operator(): EmitterBroadcastOperator<EmitEvents> {
    return new EmitterBroadcastOperator((message) => this.publish(message), this.nsp);
  }
}

/** A selection of clients (rooms, exclusions, flags) for an emitter; every modifier returns a new one. */
export class EmitterBroadcastOperator<EmitEvents extends EventsMap = DefaultEventsMap> {
  constructor(
    private readonly publish: (message: ClusterMessage) => void,
    private readonly nsp: string,
    private readonly rooms: ReadonlySet<Room> = new Set(),
    private readonly exceptRooms: ReadonlySet<Room> = new Set(),
    private readonly flags: BroadcastFlags = {},
  ) {}

  to(room: Room | Room[]): EmitterBroadcastOperator<EmitEvents> {
    return this.with(new Set([...this.rooms, ...(Array.isArray(room) ? room : [room])]), this.exceptRooms, this.flags);
  }

  in(room: Room | Room[]): EmitterBroadcastOperator<EmitEvents> {
    return this.to(room);
  }

  except(room: Room | Room[]): EmitterBroadcastOperator<EmitEvents> {
    return this.with(this.rooms, new Set([...this.exceptRooms, ...(Array.isArray(room) ? room : [room])]), this.flags);
  }

  compress(compress: boolean): EmitterBroadcastOperator<EmitEvents> {
    return this.with(this.rooms, this.exceptRooms, { ...this.flags, compress });
  }

  get volatile(): EmitterBroadcastOperator<EmitEvents> {
    return this.with(this.rooms, this.exceptRooms, { ...this.flags, volatile: true });
  }

  emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: EventParams<EmitEvents, Ev>): true {
    if (typeof ev === "string" && RESERVED_EVENTS.has(ev)) throw new ServerError("RESERVED_EVENT", `"${ev}" is a reserved event name`);
    const data = [ev, ...args];
    if (typeof data[data.length - 1] === "function") throw new TypeError("an emitter cannot receive acknowledgements");
    this.publish({
      uid: EMITTER_UID,
      nsp: this.nsp,
      type: MessageType.BROADCAST,
      data: { packet: { type: PacketType.EVENT, data, nsp: this.nsp }, opts: this.wireOptions(true) },
    });
    return true;
  }

  socketsJoin(rooms: Room | Room[]): void {
    this.publish({
      uid: EMITTER_UID,
      nsp: this.nsp,
      type: MessageType.SOCKETS_JOIN,
      data: { opts: this.wireOptions(false), rooms: Array.isArray(rooms) ? rooms : [rooms] },
    });
  }

  socketsLeave(rooms: Room | Room[]): void {
    this.publish({
      uid: EMITTER_UID,
      nsp: this.nsp,
      type: MessageType.SOCKETS_LEAVE,
      data: { opts: this.wireOptions(false), rooms: Array.isArray(rooms) ? rooms : [rooms] },
    });
  }

  disconnectSockets(close = false): void {
    this.publish({ uid: EMITTER_UID, nsp: this.nsp, type: MessageType.DISCONNECT_SOCKETS, data: { opts: this.wireOptions(false), close } });
  }

  private with(rooms: ReadonlySet<Room>, exceptRooms: ReadonlySet<Room>, flags: BroadcastFlags): EmitterBroadcastOperator<EmitEvents> {
    return new EmitterBroadcastOperator(this.publish, this.nsp, rooms, exceptRooms, flags);
  }

  private wireOptions(withFlags: boolean): WireOptions {
    return toWireOptions({ rooms: new Set(this.rooms), except: new Set(this.exceptRooms), flags: this.flags }, withFlags);
  }
}
