/**
 * One small interface over the two Redis clients the adapter accepts: `redis` (v4 and later:
 * `subscribe`/`pSubscribe` with a listener and buffer mode, `sendCommand`) and `ioredis`
 * (`subscribe`/`psubscribe` plus `messageBuffer`/`pmessageBuffer` events, `call`).
 * Both clients resubscribe by themselves after a reconnection.
 */

import { ClientPair, parseSubscriberCount, type ErrorEvents } from "./client-pair.js";

export type MessageHandler = (channel: string, message: Buffer) => void;

/** The parts of a `redis` v4+ client the adapter uses. */
export interface NodeRedisClient {
  subscribe(channels: string | string[], listener: (message: Buffer, channel: Buffer) => void, bufferMode: true): Promise<unknown>;
  unsubscribe(channels: string | string[], listener: (message: Buffer, channel: Buffer) => void, bufferMode: true): Promise<unknown>;
  pSubscribe(pattern: string, listener: (message: Buffer, channel: Buffer) => void, bufferMode: true): Promise<unknown>;
  pUnsubscribe(pattern: string, listener: (message: Buffer, channel: Buffer) => void, bufferMode: true): Promise<unknown>;
  publish(channel: string, message: string | Buffer): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  /** Connected and past its handshake (false while down or reconnecting). */
  readonly isReady?: boolean;
  // One signature for both events (a union of overloads would not accept a union of clients).
  on(event: "error" | "ready", listener: (err: Error) => void): unknown;
  off(event: "error" | "ready", listener: (err: Error) => void): unknown;
}

/** The parts of an `ioredis` client the adapter uses. */
export interface IoRedisClient {
  subscribe(...channels: string[]): Promise<unknown>;
  unsubscribe(...channels: string[]): Promise<unknown>;
  psubscribe(...patterns: string[]): Promise<unknown>;
  punsubscribe(...patterns: string[]): Promise<unknown>;
  publish(channel: string, message: string | Buffer): Promise<unknown>;
  call(command: string, ...args: string[]): Promise<unknown>;
  /** `"ready"` while connected. */
  readonly status?: string;
  // ioredis types its listeners with `any[]`: anything narrower is not assignable from it.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  on(event: string, listener: (...args: any[]) => void): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  off(event: string, listener: (...args: any[]) => void): unknown;
}

export type RedisClient = NodeRedisClient | IoRedisClient;

/** What the adapter needs from its two connections, whatever the client library. */
export interface RedisPubSub {
  subscribe(channels: string[], handler: MessageHandler): Promise<void>;
  pSubscribe(pattern: string, handler: MessageHandler): Promise<void>;
  /** Undoes every subscription made through this object. */
  unsubscribeAll(): Promise<void>;
  /** Resolves with how many subscribers Redis delivered the message to. */
  publish(channel: string, message: string | Buffer): Promise<number>;
  /** How many connections listen on `channel` (PUBSUB NUMSUB): one per server node. */
  numSub(channel: string): Promise<number>;
  /** Both connections are up (not down, not reconnecting); says nothing of resubscriptions. */
  isReady(): boolean;
  onError(listener: (err: Error) => void): void;
  offError(listener: (err: Error) => void): void;
  /** Called each time the subscriber connection is (again) ready: after a reconnection Redis has forgotten every subscription. */
  onSubscriberReady(listener: () => void): void;
  offSubscriberReady(listener: () => void): void;
}

function isNodeRedis(client: RedisClient): client is NodeRedisClient {
  return typeof (client as NodeRedisClient).pSubscribe === "function";
}

/** A client with its `ready` event (emitted again after each reconnection). */
interface Connection extends ErrorEvents {
  on(event: "error" | "ready", listener: (err: Error) => void): unknown;
  off(event: "error" | "ready", listener: (err: Error) => void): unknown;
}

abstract class ConnectionPair<C extends Connection> extends ClientPair<C> {
  protected abstract ready(client: C): boolean;

  isReady(): boolean {
    return this.ready(this.pub) && this.ready(this.sub);
  }

  onSubscriberReady(listener: () => void): void {
    this.sub.on("ready", listener);
  }

  offSubscriberReady(listener: () => void): void {
    this.sub.off("ready", listener);
  }
}

class NodeRedisPubSub extends ConnectionPair<NodeRedisClient> implements RedisPubSub {
  private readonly subs: Array<{ channels: string[]; listener: (m: Buffer, c: Buffer) => void }> = [];
  private readonly psubs: Array<{ pattern: string; listener: (m: Buffer, c: Buffer) => void }> = [];

  async subscribe(channels: string[], handler: MessageHandler): Promise<void> {
    const listener = (message: Buffer, channel: Buffer) => handler(channel.toString(), message);
    this.subs.push({ channels, listener });
    await this.sub.subscribe(channels, listener, true);
  }

  async pSubscribe(pattern: string, handler: MessageHandler): Promise<void> {
    const listener = (message: Buffer, channel: Buffer) => handler(channel.toString(), message);
    this.psubs.push({ pattern, listener });
    await this.sub.pSubscribe(pattern, listener, true);
  }

  async unsubscribeAll(): Promise<void> {
    const jobs: Promise<unknown>[] = [];
    // One channel per call: node-redis has had bugs unsubscribing several channels at once.
    for (const { channels, listener } of this.subs.splice(0)) {
      for (const channel of channels) jobs.push(this.sub.unsubscribe(channel, listener, true));
    }
    for (const { pattern, listener } of this.psubs.splice(0)) jobs.push(this.sub.pUnsubscribe(pattern, listener, true));
    await Promise.all(jobs);
  }

  async publish(channel: string, message: string | Buffer): Promise<number> {
    return Number(await this.pub.publish(channel, message));
  }

  async numSub(channel: string): Promise<number> {
    return parseSubscriberCount(await this.pub.sendCommand(["PUBSUB", "NUMSUB", channel]));
  }

  protected ready(client: NodeRedisClient): boolean {
    // A client without the property (an older or wrapped one) is taken as ready: commands will tell.
    return client.isReady !== false;
  }
}

class IoRedisPubSub extends ConnectionPair<IoRedisClient> implements RedisPubSub {
  private readonly channels = new Set<string>();
  private readonly patterns = new Set<string>();
  private readonly listeners: Array<[string, (...args: Buffer[]) => void]> = [];

  async subscribe(channels: string[], handler: MessageHandler): Promise<void> {
    const mine = new Set(channels);
    // ioredis has one event for every channel of the connection: keep only ours.
    const listener = (channel: Buffer, message: Buffer) => {
      const name = channel.toString();
      if (mine.has(name)) handler(name, message);
    };
    this.listen("messageBuffer", listener);
    for (const c of channels) this.channels.add(c);
    await this.sub.subscribe(...channels);
  }

  async pSubscribe(pattern: string, handler: MessageHandler): Promise<void> {
    const listener = (p: Buffer, channel: Buffer, message: Buffer) => {
      if (p.toString() === pattern) handler(channel.toString(), message);
    };
    this.listen("pmessageBuffer", listener);
    this.patterns.add(pattern);
    await this.sub.psubscribe(pattern);
  }

  private listen(event: string, listener: (...args: Buffer[]) => void): void {
    this.listeners.push([event, listener]);
    this.sub.on(event, listener);
  }

  async unsubscribeAll(): Promise<void> {
    for (const [event, listener] of this.listeners.splice(0)) this.sub.off(event, listener);
    const jobs: Promise<unknown>[] = [];
    if (this.channels.size > 0) jobs.push(this.sub.unsubscribe(...this.channels));
    if (this.patterns.size > 0) jobs.push(this.sub.punsubscribe(...this.patterns));
    this.channels.clear();
    this.patterns.clear();
    await Promise.all(jobs);
  }

  async publish(channel: string, message: string | Buffer): Promise<number> {
    return Number(await this.pub.publish(channel, message));
  }

  async numSub(channel: string): Promise<number> {
    return parseSubscriberCount(await this.pub.call("PUBSUB", "NUMSUB", channel));
  }

  protected ready(client: IoRedisClient): boolean {
    return client.status === undefined || client.status === "ready";
  }
}

/** Wraps a publishing and a subscribing client of either library. */
export function createRedisPubSub(pub: RedisClient, sub: RedisClient): RedisPubSub {
  if (isNodeRedis(pub) && isNodeRedis(sub)) return new NodeRedisPubSub(pub, sub);
  if (!isNodeRedis(pub) && !isNodeRedis(sub)) return new IoRedisPubSub(pub, sub);
  throw Object.assign(new TypeError("pubClient and subClient must come from the same library (redis or ioredis)"), {
    code: "REDIS_CLIENT_MISMATCH",
  });
}
