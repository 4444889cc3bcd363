import createDebug from "debug";
import type { ShardedPubSub, ShardMessageHandler } from "./sharded-pub-sub.js";

const debug = createDebug("switchboard:redis-sharded");

const RETRY_MS = 1000;

/**
 * The shard channels one adapter wants to listen to, and the SSUBSCRIBE/SUNSUBSCRIBE commands
 * that get Redis there: one command at a time per channel, so a room left and joined again at once
 * ends subscribed whatever order the replies come in. A subscription Redis refused is tried again
 * every second while it is still wanted.
 */
export class ShardSubscriptions {
  private readonly wanted = new Set<string>();
  /**
   * Channels Redis confirmed (the client libraries resubscribe them after a reconnection), with
   * the round of `resubscribeAll` their SSUBSCRIBE was sent in: one sent before the last round
   * is sent again.
   */
  private readonly active = new Map<string, number>();
  private round = 0;
  private readonly running = new Map<string, Promise<void>>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly pubsub: ShardedPubSub,
    private readonly handler: ShardMessageHandler,
    private readonly onError: (err: Error, channel: string) => void,
  ) {}

  /** Listens to `channel`; resolves once Redis confirmed it (or refused it: see `onError`). */
  want(channel: string): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.wanted.add(channel);
    return this.reconcile(channel);
  }

  /** Stops listening to `channel`. */
  drop(channel: string): Promise<void> {
    this.wanted.delete(channel);
    return this.reconcile(channel);
  }

  /** The command in flight for `channel`, if any. */
  pending(channel: string): Promise<void> | undefined {
    return this.running.get(channel);
  }

  /** Whether Redis confirmed the subscription. */
  isActive(channel: string): boolean {
    return this.active.has(channel);
  }

  /**
   * SSUBSCRIBEs every wanted channel again (Redis may have dropped them: see
   * `ShardedPubSub.onResubscribeNeeded`); a command in flight sends it again when done.
   */
  resubscribeAll(): void {
    if (this.closed) return;
    this.round++;
    debug("subscribing again to %d channel(s)", this.wanted.size);
    for (const channel of this.wanted) void this.reconcile(channel);
  }

  /** Resolves once no command is in flight. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  /** Unsubscribes every channel and takes no new ones. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
    const channels = new Set([...this.wanted, ...this.active.keys()]);
    this.wanted.clear();
    await Promise.all([...channels].map((channel) => this.reconcile(channel)));
  }

  private reconcile(channel: string): Promise<void> {
    const running = this.running.get(channel);
    // The command in flight checks again when it is done.
    if (running) return running;
    const job = this.converge(channel).finally(() => this.running.delete(channel));
    this.running.set(channel, job);
    return job;
  }

  private async converge(channel: string): Promise<void> {
    for (;;) {
      const want = this.wanted.has(channel);
      if (want ? this.active.get(channel) === this.round : !this.active.has(channel)) return;
      try {
        if (want) {
          const round = this.round;
          await this.pubsub.subscribe(channel, this.handler);
          this.active.set(channel, round);
          debug("subscribed to %s", channel);
        } else {
          this.active.delete(channel);
          await this.pubsub.unsubscribe(channel);
          debug("unsubscribed from %s", channel);
        }
      } catch (err) {
        this.onError(err as Error, channel);
        if (want) this.retryLater(channel);
        return;
      }
    }
  }

  private retryLater(channel: string): void {
    if (this.closed || this.retries.has(channel)) return;
    const timer = setTimeout(() => {
      this.retries.delete(channel);
      if (this.wanted.has(channel)) void this.reconcile(channel);
    }, RETRY_MS);
    timer.unref();
    this.retries.set(channel, timer);
  }
}
