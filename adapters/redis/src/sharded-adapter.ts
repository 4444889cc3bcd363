import createDebug from "debug";
import { ClusterAdapter, ClusterAdapterError, MessageType, withTimeout } from "@switchboard/server";
import type { AdapterNamespace, ClusterMessage, ClusterResponse, Room, ServerId, SocketId } from "@switchboard/server";
import { ShardedChannels } from "./sharded-channels.js";
import { decodeShardMessage, encodeShardMessage } from "./sharded-codec.js";
import type { ResolvedShardedOptions, SubscriptionMode } from "./sharded-options.js";
import type { ShardedPubSub } from "./sharded-pub-sub.js";
import { ShardSubscriptions } from "./sharded-subscriptions.js";

const debug = createDebug("switchboard:redis-sharded");

const HEARTBEAT_TYPES: ReadonlySet<number> = new Set([MessageType.INITIAL_HEARTBEAT, MessageType.HEARTBEAT, MessageType.ADAPTER_CLOSE]);

/**
 * The cluster adapter on Redis 7 sharded pub/sub, speaking the wire protocol of the sharded
 * adapter of `@socket.io/redis-adapter` 8.3 (channels, JSON or MessagePack payloads, message
 * types), so Switchboard and socket.io nodes share one Redis Cluster. Every message goes on the
 * namespace's shard channel but plain broadcasts to one room, which in the dynamic modes go on the
 * room's channel: only the nodes with a member in that room listen to it.
 *
 * Switchboard nodes also send heartbeats on the namespace's channel (socket.io's nodes ignore
 * them): a node that dies without a word is dropped from requests after `heartbeatTimeout`.
 * Pub/sub keeps nothing: a node whose connection to a shard is down misses what is published there
 * meanwhile.
 */
export class ShardedRedisAdapter extends ClusterAdapter {
  readonly subscriptionMode: SubscriptionMode;
  private readonly channels: ShardedChannels;
  private readonly subscriptions: ShardSubscriptions;
  private readonly responseChannel: string;
  private subscribed: Promise<void> | undefined;
  private initialized: Promise<void> | undefined;
  private readonly onClientError = (err: Error): void => this.reportError(err);
  private readonly onResubscribeNeeded = (): void => this.subscriptions.resubscribeAll();
  private readonly onCreateRoom = (room: Room): void => {
    if (this.channels.hasOwnChannel(room)) void this.subscriptions.want(this.channels.room(room));
  };
  private readonly onDeleteRoom = (room: Room): void => {
    if (this.channels.hasOwnChannel(room)) void this.subscriptions.drop(this.channels.room(room));
  };

  constructor(
    nsp: AdapterNamespace,
    private readonly pubsub: ShardedPubSub,
    opts: ResolvedShardedOptions,
  ) {
    super(nsp, opts);
    this.subscriptionMode = opts.subscriptionMode;
    this.channels = new ShardedChannels(opts.channelPrefix, nsp.name, opts.subscriptionMode);
    this.responseChannel = this.channels.responses(this.uid);
    this.subscriptions = new ShardSubscriptions(
      pubsub,
      (channel, payload) => this.onPayload(channel, payload),
      (err, channel) => this.reportError(new ClusterAdapterError("CLUSTER_UNREACHABLE", `SSUBSCRIBE ${channel} failed: ${err.message}`, { cause: err })),
    );
    pubsub.onError(this.onClientError);
    pubsub.onResubscribeNeeded(this.onResubscribeNeeded);
    if (this.subscriptionMode !== "static") {
      this.on("create-room", this.onCreateRoom);
      this.on("delete-room", this.onDeleteRoom);
    }
  }

  /** The namespace's shard channel, which every node listens to. */
  get channel(): string {
    return this.channels.main;
  }

  /**
   * Subscribes to the namespace's channel and this node's response channel, then starts the
   * heartbeats. Idempotent.
   */
  override init(): Promise<void> {
    this.initialized ??= (async () => {
      this.subscribed = Promise.all([this.subscriptions.want(this.channels.main), this.subscriptions.want(this.responseChannel)]).then(() => undefined);
      await this.subscribed;
      if (this.closed) return;
      this.startHeartbeats();
      debug("[%s] listening on %s (%s)", this.uid, this.channels.main, this.subscriptionMode);
    })();
    return this.initialized;
  }

  /** Resolves once every SSUBSCRIBE and SUNSUBSCRIBE this node sent is answered. */
  whenSubscribed(): Promise<void> {
    return this.subscriptions.settled();
  }

  /** Says goodbye and unsubscribes every channel, each step bounded by `requestsTimeout`. */
  override async close(): Promise<void> {
    if (this.closed) return;
    this.off("create-room", this.onCreateRoom);
    this.off("delete-room", this.onDeleteRoom);
    this.pubsub.offResubscribeNeeded(this.onResubscribeNeeded);
    await super.close();
    await withTimeout(this.subscriptions.close(), this.requestsTimeout, () => new Error(`no answer from Redis within ${this.requestsTimeout} ms`)).catch(
      (err: Error) => debug("[%s] unsubscribe failed: %s", this.uid, err.message),
    );
    this.pubsub.offError(this.onClientError);
  }

  /**
   * Joins locally; in the dynamic modes the returned promise resolves once this node listens to
   * the channels of the rooms it just got (so `await socket.join(room)` means broadcasts to it arrive).
   */
  override addAll(id: SocketId, rooms: Iterable<Room>): Promise<void> | void {
    const list = [...rooms];
    // The in-memory bookkeeping underneath is synchronous; it emits create-room (see onCreateRoom).
    void super.addAll(id, list);
    if (this.subscriptionMode === "static") return;
    const pending: Array<Promise<void>> = [];
    for (const room of list) {
      const running = this.channels.hasOwnChannel(room) ? this.subscriptions.pending(this.channels.room(room)) : undefined;
      if (running) pending.push(running);
    }
    if (pending.length > 0) return Promise.all(pending).then(() => undefined);
  }

  // ---- transport ----

  /** Pub/sub has no log: a node's own messages are applied when sent (a room channel may not bring them back). */
  protected override appliesOwnMessagesAtOnce(): boolean {
    return true;
  }

  protected override publishOrdered(message: ClusterMessage): boolean {
    const channel = this.channels.of(message);
    this.publish(channel, encodeShardMessage(message)).catch((err: Error) =>
      this.reportError(
        new ClusterAdapterError("CLUSTER_UNREACHABLE", `message of type ${message.type} not published on ${channel}: ${err.message}`, { cause: err }),
      ),
    );
    return true;
  }

  /** SPUBLISH answers how many subscribers got the request: the request knows if some node could not. */
  protected override publishRequest(message: ClusterMessage): Promise<number> {
    return this.publish(this.channels.main, encodeShardMessage(message));
  }

  protected override async publishHeartbeat(message: ClusterMessage): Promise<void> {
    await this.publish(this.channels.main, encodeShardMessage(message));
  }

  protected override async publishResponse(requesterUid: ServerId, response: ClusterResponse): Promise<void> {
    await this.publish(this.channels.responses(requesterUid), encodeShardMessage(response));
  }

  /** Publishes once subscribed (answers to a request must find this node listening), in the order of the calls. */
  private async publish(channel: string, payload: string | Buffer): Promise<number> {
    await this.subscribed;
    if (this.closed && channel !== this.channels.main) throw new ClusterAdapterError("CLUSTER_ADAPTER_CLOSED", "the adapter is closed");
    return this.pubsub.publish(channel, payload);
  }

  /** Nodes on the namespace's channel that this node does not know from their heartbeats: socket.io's nodes (or newcomers). */
  protected override async countSilentNodes(): Promise<number> {
    const all = await this.pubsub.numSub(this.channels.main);
    return Math.max(0, all - 1 - this.liveness.size);
  }

  private onPayload(channel: string, payload: Buffer): void {
    let message: ClusterMessage | ClusterResponse | undefined;
    try {
      message = decodeShardMessage(payload);
    } catch (err) {
      return debug("[%s] undecodable payload on %s: %s", this.uid, channel, (err as Error).message);
    }
    if (!message) return debug("[%s] not a cluster message on %s", this.uid, channel);
    if (channel === this.responseChannel) {
      if ("data" in message) this.onResponse(message as ClusterResponse);
      return;
    }
    if (HEARTBEAT_TYPES.has(message.type)) return this.onHeartbeat(message as ClusterMessage);
    this.onMessage(message);
  }
}
