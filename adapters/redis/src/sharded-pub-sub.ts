/**
 * Sharded pub/sub (Redis 7: SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH, PUBSUB SHARDNUMSUB) over the two
 * client libraries, standalone or cluster: `redis` v4 and later (`sSubscribe` with a listener in
 * buffer mode, `createCluster` routes each channel to its shard) and `ioredis` (`ssubscribe` and
 * `smessageBuffer` events; a `Cluster` needs `shardedSubscribers: true` to route them).
 */

import { ClientPair, parseSubscriberCount } from "./client-pair.js";

export type ShardMessageHandler = (channel: string, message: Buffer) => void;

type BufferListener = (message: Buffer, channel: Buffer) => void;

interface NodeRedisCommands {
  sendCommand(...args: never[]): Promise<unknown>;
}

/** The parts of a `redis` client or cluster (v4 and later) the sharded adapter uses. */
export interface NodeRedisShardedClient {
  sSubscribe(channels: string, listener: BufferListener, bufferMode: true): Promise<unknown>;
  sUnsubscribe(channels: string, listener: BufferListener, bufferMode: true): Promise<unknown>;
  sPublish(channel: string, message: string | Buffer): Promise<unknown>;
  /** A standalone client's raw commands (a cluster routes them by key). */
  sendCommand(...args: never[]): Promise<unknown>;
  /** A cluster's shards. */
  readonly masters?: readonly unknown[];
  readonly replicas?: readonly unknown[];
  nodeClient?(node: never): unknown;
  // One signature for the events (a union of overloads would not accept a union of clients).
  on(event: "error", listener: (err: Error) => void): unknown;
  off(event: "error", listener: (err: Error) => void): unknown;
}

/** The parts of an `ioredis` client or `Cluster` the sharded adapter uses. */
export interface IoRedisShardedClient {
  ssubscribe(...channels: string[]): Promise<unknown>;
  sunsubscribe(...channels: string[]): Promise<unknown>;
  spublish(channel: string, message: string | Buffer): Promise<unknown>;
  call(command: string, ...args: string[]): Promise<unknown>;
  /** A `Cluster`'s nodes. */
  nodes?(role?: "all" | "master" | "slave"): Array<{ call(command: string, ...args: string[]): Promise<unknown> }>;
  readonly isCluster?: boolean;
  /** A `Cluster`'s options (`shardedSubscribers` must be on). */
  readonly options?: object;
  // ioredis types its listeners with `any[]`: anything narrower is not assignable from it.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  on(event: string, listener: (...args: any[]) => void): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  off(event: string, listener: (...args: any[]) => void): unknown;
}

export type ShardedRedisClient = NodeRedisShardedClient | IoRedisShardedClient;

/** What the sharded adapter needs of its publishing and subscribing clients. */
export interface ShardedPubSub {
  /** SSUBSCRIBE one channel (one per call: a cluster routes each to its own shard); resolves once Redis confirmed it. */
  subscribe(channel: string, handler: ShardMessageHandler): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  /** SPUBLISH; resolves with how many subscribers of the shard got it. */
  publish(channel: string, message: string | Buffer): Promise<number>;
  /** Subscribers of a shard channel, over every node of the cluster (PUBSUB SHARDNUMSUB). */
  numSub(channel: string): Promise<number>;
  onError(listener: (err: Error) => void): void;
  offError(listener: (err: Error) => void): void;
  /**
   * Calls `listener` when Redis may have dropped subscriptions without the client library
   * restoring them, so every channel must be SSUBSCRIBEd again (see `IoRedisShardedPubSub`).
   */
  onResubscribeNeeded(listener: () => void): void;
  offResubscribeNeeded(listener: () => void): void;
}

/** A programmer error about the clients given to `createShardedAdapter` (thrown at once). */
export class ShardedClientError extends TypeError {
  constructor(
    readonly code: "REDIS_SHARDED_CLIENT_UNSUPPORTED" | "REDIS_CLIENT_MISMATCH" | "REDIS_SHARDED_SUBSCRIBERS_OFF",
    message: string,
  ) {
    super(message);
    this.name = "ShardedClientError";
  }
}

function isNodeRedis(client: ShardedRedisClient): client is NodeRedisShardedClient {
  return typeof (client as NodeRedisShardedClient).sSubscribe === "function";
}

function isIoRedis(client: ShardedRedisClient): client is IoRedisShardedClient {
  return typeof (client as IoRedisShardedClient).ssubscribe === "function";
}

/**
 * Adds the counts of every node that answers: a node that cannot be reached has lost its
 * subscribers with its connections. Fails only when no node answers.
 */
async function sumOver(asks: Array<Promise<unknown>>): Promise<number> {
  const results = await Promise.allSettled(asks);
  const answers = results.filter((r): r is PromiseFulfilledResult<unknown> => r.status === "fulfilled");
  if (answers.length === 0) {
    const first = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    throw first?.reason instanceof Error ? first.reason : new Error("no Redis node answered PUBSUB SHARDNUMSUB");
  }
  return answers.reduce((sum, r) => sum + parseSubscriberCount(r.value), 0);
}

class NodeRedisShardedPubSub extends ClientPair<NodeRedisShardedClient> implements ShardedPubSub {
  private readonly listeners = new Map<string, BufferListener>();

  async subscribe(channel: string, handler: ShardMessageHandler): Promise<void> {
    const listener: BufferListener = (message, name) => handler(name.toString(), message);
    this.listeners.set(channel, listener);
    try {
      await this.sub.sSubscribe(channel, listener, true);
    } catch (err) {
      if (this.listeners.get(channel) === listener) this.listeners.delete(channel);
      throw err;
    }
  }

  async unsubscribe(channel: string): Promise<void> {
    const listener = this.listeners.get(channel);
    if (!listener) return;
    this.listeners.delete(channel);
    await this.sub.sUnsubscribe(channel, listener, true);
  }

  async publish(channel: string, message: string | Buffer): Promise<number> {
    return Number(await this.pub.sPublish(channel, message));
  }

  numSub(channel: string): Promise<number> {
    const args = ["PUBSUB", "SHARDNUMSUB", channel];
    const { pub } = this;
    const masters: readonly unknown[] | undefined = pub.masters;
    if (masters === undefined || typeof pub.nodeClient !== "function") {
      return (pub.sendCommand as (args: string[]) => Promise<unknown>)(args).then(parseSubscriberCount);
    }
    // A subscriber is connected to one node of its shard: every node counts its own.
    const nodeClient = pub.nodeClient.bind(pub) as (node: unknown) => Promise<NodeRedisCommands>;
    const replicas: readonly unknown[] = pub.replicas ?? [];
    const nodes = [...masters, ...replicas];
    return sumOver(nodes.map(async (node) => ((await nodeClient(node)).sendCommand as (args: string[]) => Promise<unknown>)(args)));
  }

  // A `redis` cluster moves its subscriptions to the new owner of a slot by itself.
  onResubscribeNeeded(): void {}

  offResubscribeNeeded(): void {}
}

/**
 * When the owner of a slot changes (a failover), Redis 7 drops the shard channels of that slot on
 * the old owner's connections with an unrequested SUNSUBSCRIBE. An ioredis `Cluster` then reloads
 * its slot map (CLUSTER SLOTS from one node) and, if the map changed, connects to the new owner and
 * SSUBSCRIBEs again. But the node it asks can still answer with the owner from before the switch
 * (seen with Redis 7.0, even from the old owner a few ms after its SUNSUBSCRIBE): the map looks
 * unchanged, nothing is subscribed again, and no later reload comes (nothing else makes the
 * subscribing client reload its map). So after every reload of the subscribing `Cluster`'s map
 * (its `refresh` event), every channel is SSUBSCRIBEd again: to the new owner when the map is
 * fresh (a no-op if ioredis was first); through the old connection when it is stale, which the
 * old owner serves as the new owner's replica (shard messages reach a shard's replicas too), or
 * answers with another SUNSUBSCRIBE or MOVED, which makes ioredis reload the map again.
 */
class IoRedisShardedPubSub extends ClientPair<IoRedisShardedClient> implements ShardedPubSub {
  private readonly handlers = new Map<string, ShardMessageHandler>();
  private readonly resubscribeListeners = new Set<() => void>();
  private readonly onRefresh = (): void => {
    for (const listener of [...this.resubscribeListeners]) listener();
  };
  // ioredis has one event for every channel of the connection: dispatched here by channel.
  private readonly onMessage = (channel: Buffer, message: Buffer): void => {
    const name = channel.toString();
    this.handlers.get(name)?.(name, message);
  };

  async subscribe(channel: string, handler: ShardMessageHandler): Promise<void> {
    if (this.handlers.size === 0) this.sub.on("smessageBuffer", this.onMessage);
    // Subscribing again (see onResubscribeNeeded): a failure keeps what may still be delivered.
    const again = this.handlers.has(channel);
    this.handlers.set(channel, handler);
    try {
      await this.sub.ssubscribe(channel);
    } catch (err) {
      if (!again) this.handlers.delete(channel);
      if (this.handlers.size === 0) this.sub.off("smessageBuffer", this.onMessage);
      throw err;
    }
  }

  async unsubscribe(channel: string): Promise<void> {
    if (!this.handlers.delete(channel)) return;
    if (this.handlers.size === 0) this.sub.off("smessageBuffer", this.onMessage);
    await this.sub.sunsubscribe(channel);
  }

  async publish(channel: string, message: string | Buffer): Promise<number> {
    return Number(await this.pub.spublish(channel, message));
  }

  numSub(channel: string): Promise<number> {
    const args = ["SHARDNUMSUB", channel];
    if (typeof this.pub.nodes !== "function") return this.pub.call("PUBSUB", ...args).then(parseSubscriberCount);
    return sumOver(this.pub.nodes("all").map((node) => node.call("PUBSUB", ...args)));
  }

  onResubscribeNeeded(listener: () => void): void {
    // A single server's connection resubscribes by itself after a reconnection.
    if (this.sub.isCluster !== true) return;
    if (this.resubscribeListeners.size === 0) this.sub.on("refresh", this.onRefresh);
    this.resubscribeListeners.add(listener);
  }

  offResubscribeNeeded(listener: () => void): void {
    if (!this.resubscribeListeners.delete(listener)) return;
    if (this.resubscribeListeners.size === 0) this.sub.off("refresh", this.onRefresh);
  }
}

/** Wraps a publishing and a subscribing client of one library; throws at once on clients it cannot use. */
export function createShardedPubSub(pub: ShardedRedisClient, sub: ShardedRedisClient): ShardedPubSub {
  for (const [name, client] of [
    ["pubClient", pub],
    ["subClient", sub],
  ] as const) {
    if (!client || (!isNodeRedis(client) && !isIoRedis(client))) {
      throw new ShardedClientError(
        "REDIS_SHARDED_CLIENT_UNSUPPORTED",
        `${name} must be a client of redis (v4.6 or later: sSubscribe) or ioredis (v5 or later: ssubscribe)`,
      );
    }
  }
  if (isNodeRedis(pub) && isNodeRedis(sub)) return new NodeRedisShardedPubSub(pub, sub);
  if (isIoRedis(pub) && isIoRedis(sub)) {
    // Without it, an ioredis Cluster sends every SSUBSCRIBE to one node: the other shards refuse them.
    if (sub.isCluster === true && (sub.options as { shardedSubscribers?: boolean } | undefined)?.shardedSubscribers !== true) {
      throw new ShardedClientError("REDIS_SHARDED_SUBSCRIBERS_OFF", "subClient is an ioredis Cluster: create it with { shardedSubscribers: true }");
    }
    return new IoRedisShardedPubSub(pub, sub);
  }
  throw new ShardedClientError("REDIS_CLIENT_MISMATCH", "pubClient and subClient must come from the same library (redis or ioredis)");
}
