import createDebug from "debug";
import type { Packet } from "@switchboard/protocol";
import type { RedisPubSub } from "@switchboard/redis-adapter";
import { ClusterAdapter, ClusterAdapterError, withTimeout } from "@switchboard/server";
import type {
  AdapterNamespace,
  AdapterSocket,
  BroadcastOptions,
  ClusterMessage,
  ClusterResponse,
  PrivateSessionId,
  Room,
  ServerId,
  Session,
  SessionToPersist,
  SocketId,
} from "@switchboard/server";
import { decodePubSub, encodeEntry, encodePubSub } from "./message-codec.js";
import { parseNumSub } from "./redis-replies.js";
import { SessionRecovery } from "./session-recovery.js";
import { SessionStore } from "./session-store.js";
import { channelsOf, streamOf } from "./streams-options.js";
import type { StreamsTransport, StreamsUser } from "./streams-transport.js";

const debug = createDebug("switchboard:redis-streams");

const DEFAULT_MAX_DISCONNECTION_DURATION = 2 * 60 * 1000;

/**
 * The cluster adapter on Redis Streams, speaking the wire protocol of
 * `@socket.io/redis-streams-adapter` 0.3: broadcasts, joins, leaves and disconnections go through
 * a stream (one order for every node, and a recovery offset for every broadcast); requests,
 * responses and heartbeats through pub/sub. See the package README for what holds through node
 * deaths and Redis outages.
 */
export class RedisStreamsAdapter extends ClusterAdapter implements StreamsUser {
  readonly streamName: string;
  private readonly channels: ReturnType<typeof channelsOf>;
  private pubsub: RedisPubSub | undefined;
  /** Subscribed (publishing waits for this, not for `initialized`, which waits for the peers' answers). */
  private subscribed: Promise<void> | undefined;
  private initialized: Promise<void> | undefined;
  private readonly sessions: SessionStore | undefined;
  private readonly recovery: SessionRecovery | undefined;
  private bufferFull = false;
  private readonly onClientError = (err: Error): void => this.reportError(err);

  constructor(
    nsp: AdapterNamespace,
    private readonly transport: StreamsTransport,
  ) {
    super(nsp, transport.opts);
    const { opts } = transport;
    this.streamName = streamOf(nsp.name, opts);
    this.channels = channelsOf(nsp.name, opts.channelPrefix);
    const recovery = nsp.server.opts?.connectionStateRecovery;
    if (recovery) {
      const maxDisconnectionDuration =
        typeof recovery === "object" && typeof recovery.maxDisconnectionDuration === "number"
          ? recovery.maxDisconnectionDuration
          : DEFAULT_MAX_DISCONNECTION_DURATION;
      const onError = (err: Error) => this.reportError(err);
      this.sessions = new SessionStore(transport.main, nsp, { prefix: opts.sessionKeyPrefix, maxDisconnectionDuration }, onError);
      this.recovery = new SessionRecovery(
        {
          connection: transport.main,
          streamName: this.streamName,
          nspName: nsp.name,
          pageSize: Math.max(opts.readCount, 1000),
          maxPages: Math.ceil(opts.maxLen / Math.max(opts.readCount, 1000)) + 10,
          holdMs: maxDisconnectionDuration,
          position: () => transport.position(this.streamName),
          isRecoverable: (packet, broadcastOpts) => this.isRecoverable(packet, broadcastOpts),
        },
        this.sessions,
      );
    }
  }

  /**
   * Subscribes to the namespace's channels and starts the heartbeats; resolves once it knows the
   * Switchboard nodes already there (at most `heartbeatInterval` later). Idempotent.
   */
  override init(): Promise<void> {
    this.initialized ??= (async () => {
      this.subscribed = this.subscribe();
      await this.subscribed;
      if (this.closed) return;
      this.startHeartbeats();
      // Ready once it knows the Switchboard nodes already there (they answer its first heartbeat at
      // once): a request sent earlier would miss them. Bounded: a hung node never answers.
      const [, others] = await this.countNodes().catch(() => [0, 1]);
      await this.liveness.whenKnown(others - 1, this.heartbeatInterval);
    })();
    return this.initialized;
  }

  /** Opens the shared connections (with the first namespace) and subscribes this namespace's channels. */
  private async subscribe(): Promise<void> {
    const pubsub = await this.transport.attach(this);
    if (this.closed) return;
    this.pubsub = pubsub;
    pubsub.onError(this.onClientError);
    const { requests, heartbeats, responsesTo } = this.channels;
    // One SUBSCRIBE for the request and heartbeat channels: the node counts (see countSilentNodes) move together.
    await pubsub.subscribe([requests, responsesTo(this.uid), heartbeats], (channel, payload) => {
      const message = decodePubSub(payload);
      if (!message) return;
      if (channel === heartbeats) this.onHeartbeat(message as ClusterMessage);
      else this.onMessage(message);
    });
    debug("[%s] subscribed on %s, reading %s", this.uid, requests, this.streamName);
  }

  /** Says goodbye, unsubscribes, and lets the last namespace close the connections; each step bounded by `requestsTimeout`. */
  override async close(): Promise<void> {
    if (this.closed) return;
    // The sessions of the sockets that just left (a handover, a shutdown) reach Redis before the node goes.
    if (this.sessions) {
      await withTimeout(this.sessions.settled(), this.requestsTimeout, () => new Error("sessions not written in time")).catch((err: Error) =>
        debug("[%s] %s", this.uid, err.message),
      );
    }
    this.sessions?.close();
    this.recovery?.close();
    const unsubscribe = withTimeout(
      (async () => {
        await this.subscribed;
        // The last namespace closes the pub/sub connection: its subscriptions go with it.
        if (!this.transport.isLast(this)) await this.pubsub?.unsubscribeAll();
      })(),
      this.requestsTimeout,
      () => new Error(`no answer from Redis within ${this.requestsTimeout} ms`),
    ).catch((err: Error) => debug("[%s] unsubscribe failed: %s", this.uid, err.message));
    await Promise.all([super.close(), unsubscribe]);
    this.pubsub?.offError(this.onClientError);
    await this.transport.detach(this, this.requestsTimeout);
  }

  /** Messages of this node's stream waiting for Redis (every namespace on the stream). */
  get pendingPublishes(): number {
    return this.transport.publisher(this.streamName).pending;
  }

  /** Connected sessions this node keeps in Redis, and restored ones waiting for their socket. */
  get sessionCounts(): { kept: number; held: number } {
    return { kept: this.sessions?.size ?? 0, held: this.recovery?.holding ?? 0 };
  }

  // ---- transport ----

  protected override publishOrdered(message: ClusterMessage): boolean {
    if (this.transport.publisher(this.streamName).enqueue(encodeEntry(message, this.transport.opts.onlyPlaintext), message)) {
      this.bufferFull = false;
      return true;
    }
    // Once per episode: every refused message is logged, the application hears of the first.
    if (!this.bufferFull) {
      this.bufferFull = true;
      this.reportError(
        new ClusterAdapterError(
          "CLUSTER_PUBLISH_BUFFER_FULL",
          `${this.transport.opts.maxPendingPublishes} messages wait for Redis: new ones reach this node's clients only`,
        ),
      );
    } else debug("[%s] buffer full: message of type %d kept local", this.uid, message.type);
    return false;
  }

  /** PUBLISH answers how many subscribers got the request: the request knows if some node could not. */
  protected override publishRequest(message: ClusterMessage): Promise<number> {
    return this.publish(this.channels.requests, encodePubSub(message));
  }

  protected override async publishHeartbeat(message: ClusterMessage): Promise<void> {
    await this.publish(this.channels.heartbeats, encodePubSub(message));
  }

  protected override async publishResponse(requesterUid: ServerId, response: ClusterResponse): Promise<void> {
    await this.publish(this.channels.responsesTo(requesterUid), encodePubSub(response));
  }

  /** Publishes once subscribed (so that what comes back finds this node listening); resolves with the receivers. */
  private async publish(channel: string, payload: Buffer): Promise<number> {
    await this.subscribed;
    if (!this.pubsub) throw new ClusterAdapterError("CLUSTER_ADAPTER_CLOSED", "the adapter is closed");
    return Number(await this.transport.main.call(["PUBLISH", channel, payload]));
  }

  /** Nodes on the request channel that are not on the heartbeat channel: socket.io's own nodes. */
  protected override async countSilentNodes(): Promise<number> {
    const [all, ours] = await this.countNodes();
    return Math.max(0, all - ours);
  }

  /** Subscribers of the request channel (every node) and of the heartbeat channel (Switchboard's), this node included. */
  private async countNodes(): Promise<number[]> {
    const { requests, heartbeats } = this.channels;
    return parseNumSub(await this.transport.main.call(["PUBSUB", "NUMSUB", requests, heartbeats]), [requests, heartbeats]);
  }

  onStreamMessage(message: ClusterMessage, offset: string): void {
    this.onMessage(message, offset);
  }

  onStreamReset(): void {
    // Redis lost its data: the sessions of the connected sockets are written again at once.
    this.sessions?.refreshAll();
  }

  onTransportError(err: Error): void {
    this.reportError(err);
  }

  // ---- what the log brings ----

  protected override deliverBroadcast(packet: Packet, opts: BroadcastOptions, offset: string | undefined): void {
    super.deliverBroadcast(packet, opts, offset);
    if (this.recovery?.holding && offset !== undefined && this.isRecoverable(packet, opts)) this.recovery.delivered(packet.data as unknown[], opts, offset);
  }

  protected override deliverJoin(opts: BroadcastOptions, rooms: Room[], offset: string | undefined): void {
    super.deliverJoin(opts, rooms, offset);
    this.recovery?.moved(opts, rooms, true, offset);
  }

  protected override deliverLeave(opts: BroadcastOptions, rooms: Room[], offset: string | undefined): void {
    super.deliverLeave(opts, rooms, offset);
    this.recovery?.moved(opts, rooms, false, offset);
  }

  // ---- sessions (connection state recovery) ----

  override addAll(id: SocketId, rooms: Iterable<Room>): void {
    // The in-memory bookkeeping underneath is synchronous.
    void super.addAll(id, rooms);
    this.sessions?.changed(id);
  }

  override del(id: SocketId, room: Room): void {
    void super.del(id, room);
    this.sessions?.changed(id);
  }

  override delAll(id: SocketId): void {
    super.delAll(id);
    // Still kept here means it left in a way that is not recovered (a disconnection it asked for).
    this.sessions?.forget(id);
  }

  override sessionConnected(socket: AdapterSocket, pid: PrivateSessionId): unknown[][] | void {
    if (!this.sessions) return;
    const held = this.recovery?.release(socket.id);
    if (held) {
      // Joins and leaves of the stream that reached the session while it waited.
      for (const room of held.rooms) if (!socket.rooms.has(room)) void super.addAll(socket.id, [room]);
      for (const room of [...socket.rooms]) if (room !== socket.id && !held.rooms.has(room)) void super.del(socket.id, room);
    }
    this.sessions.track(socket.id, pid);
    return held?.packets;
  }

  override async persistSession(session: SessionToPersist): Promise<void> {
    if (!this.sessions) return;
    // A restored session given back (its socket was refused) takes the rooms it reached meanwhile.
    const held = this.recovery?.release(session.sid);
    await this.sessions.keep(held ? { ...session, rooms: [...held.rooms] } : session);
  }

  override restoreSession(pid: PrivateSessionId, offset: string): Promise<Session | null> {
    return this.recovery ? this.recovery.restore(pid, offset) : Promise.resolve(null);
  }
}
