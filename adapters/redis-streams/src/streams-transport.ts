import createDebug from "debug";
import { createRedisPubSub, type RedisPubSub } from "@switchboard/redis-adapter";
import type { ClusterMessage } from "@switchboard/server";
import { decodeEntry } from "./message-codec.js";
import { RedisConnection, lazyConnection, type RedisStreamsClient } from "./redis-connection.js";
import type { StreamEntry } from "./redis-replies.js";
import { StreamPublisher } from "./stream-publisher.js";
import { StreamReader } from "./stream-reader.js";
import type { ResolvedStreamsOptions } from "./streams-options.js";

const debug = createDebug("switchboard:redis-streams");

const RETRY_MS = 1000;

/** What the transport needs of an adapter (one namespace). */
export interface StreamsUser {
  readonly nsp: { readonly name: string };
  readonly streamName: string;
  /** An entry of its namespace, with its stream id. */
  onStreamMessage(message: ClusterMessage, offset: string): void;
  /** Its stream turned out to have been reset (Redis lost its data). */
  onStreamReset(): void;
  onTransportError(err: Error): void;
}

interface Stream {
  reader: StreamReader;
  publisher: StreamPublisher;
}

/**
 * The Redis connections one `createAdapter()` shares between its namespaces: the application's
 * client for commands and publishing, one duplicate for pub/sub, and one duplicate per stream for
 * its blocking reads. Opened with the first namespace, closed with the last one.
 */
export class StreamsTransport {
  readonly main: RedisConnection;
  private readonly users = new Map<string, StreamsUser>();
  private readonly streams = new Map<string, Stream>();
  private sub: Promise<RedisConnection> | undefined;
  private closing = false;

  constructor(
    client: RedisStreamsClient,
    readonly opts: ResolvedStreamsOptions,
  ) {
    this.main = RedisConnection.of(client);
  }

  /**
   * Registers a namespace; resolves with its pub/sub once the connections are open and its stream
   * is being read (from then on, this node applies everything written to it).
   */
  async attach(user: StreamsUser): Promise<RedisPubSub> {
    this.closing = false;
    this.users.set(user.nsp.name, user);
    const { reader } = this.stream(user.streamName);
    this.sub ??= this.open();
    const [sub] = await Promise.all([this.sub, reader.ready]);
    return createRedisPubSub(this.main.client, sub.client);
  }

  /** The publisher of a stream (it starts writing once its reader knows where the stream ends). */
  publisher(streamName: string): StreamPublisher {
    return this.stream(streamName).publisher;
  }

  /** The id of the last entry of a stream this node applied. */
  position(streamName: string): string {
    return this.stream(streamName).reader.position;
  }

  /** Whether `user` is the only namespace left (its close closes the connections: no need to unsubscribe). */
  isLast(user: StreamsUser): boolean {
    return this.users.size === 1 && this.users.get(user.nsp.name) === user;
  }

  /** Forgets a namespace; the last one closes the connections, once the buffered messages are written (bounded). */
  async detach(user: StreamsUser, drainMs: number): Promise<void> {
    if (this.users.get(user.nsp.name) !== user) return;
    this.users.delete(user.nsp.name);
    if (this.users.size > 0) return;
    this.closing = true;
    const streams = [...this.streams.values()];
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(streams.map((s) => s.publisher.whenDrained())), new Promise((resolve) => (timer = setTimeout(resolve, drainMs)))]);
    clearTimeout(timer);
    // A namespace created meanwhile keeps the connections.
    if (this.users.size > 0 || !this.closing) return;
    for (const { reader, publisher } of streams) {
      publisher.close();
      reader.close();
    }
    this.streams.clear();
    const sub = this.sub;
    this.sub = undefined;
    if (sub) (await sub.catch(() => undefined))?.close();
  }

  private report(err: Error): void {
    debug("%s", err.message);
    for (const user of this.users.values()) user.onTransportError(err);
  }

  /** Opens the pub/sub connection, trying again while Redis cannot be reached. */
  private async open(): Promise<RedisConnection> {
    for (;;) {
      try {
        return await this.main.duplicate((err) => this.report(err));
      } catch (err) {
        this.report(err as Error);
        // Nobody left to serve (every namespace closed meanwhile): stop trying.
        if (this.users.size === 0) throw err;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref());
      }
    }
  }

  private stream(streamName: string): Stream {
    const existing = this.streams.get(streamName);
    if (existing) return existing;
    const publisher = new StreamPublisher(
      this.main,
      { streamName, maxLen: this.opts.maxLen, maxPending: this.opts.maxPendingPublishes, historyMs: this.opts.heartbeatTimeout },
      { onError: (err) => this.report(err), onReset: () => this.onReset(streamName) },
    );
    const reader = new StreamReader(
      // Opened by the reader's first command (a blocking XREAD needs a connection of its own).
      lazyConnection(() => this.main.duplicate((err) => this.report(err))),
      { streamName, readCount: this.opts.readCount, blockTimeInMs: this.opts.blockTimeInMs },
      {
        dispatch: (entry, from, seq) => this.dispatch(streamName, publisher, entry, from, seq),
        onError: (err) => this.report(err),
        onReset: () => {
          publisher.streamReset();
          this.onReset(streamName);
        },
      },
    );
    const stream = { reader, publisher };
    this.streams.set(streamName, stream);
    reader.start();
    void reader.ready.then(() => publisher.start());
    return stream;
  }

  private dispatch(streamName: string, publisher: StreamPublisher, entry: StreamEntry, from: string | undefined, seq: number): void {
    // This process's own messages come back as they were sent, without decoding.
    const message = (from === publisher.publisherId ? publisher.takeOriginal(seq) : undefined) ?? decodeEntry(entry.fields);
    if (!message) return;
    const user = this.users.get(message.nsp);
    if (!user || user.streamName !== streamName) return;
    try {
      user.onStreamMessage(message, entry.id);
    } catch (err) {
      debug("entry %s of %s failed: %s", entry.id, streamName, (err as Error).message);
    }
  }

  private onReset(streamName: string): void {
    for (const user of this.users.values()) if (user.streamName === streamName) user.onStreamReset();
  }
}
