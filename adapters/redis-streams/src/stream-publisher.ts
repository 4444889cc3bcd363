import { randomBytes } from "node:crypto";
import createDebug from "debug";
import { ClusterAdapterError, type ClusterMessage } from "@switchboard/server";
import type { RedisCommands } from "./redis-connection.js";
import { parseStrings } from "./redis-replies.js";

const debug = createDebug("switchboard:redis-streams");

/** Entries sent in one script call (bounds the size of one command). */
const MAX_BATCH = 256;
const RETRY_MIN_MS = 50;
const RETRY_MAX_MS = 2000;

/**
 * Appends a batch to the stream, unless the stream was reset. KEYS: stream, epoch key. ARGV:
 * expected epoch ("" when not known yet), a new epoch (used when the key is missing), MAXLEN, then
 * per entry: its field count and its fields. Answers `{1, epoch, id...}`, or `{0, epoch}` when the
 * epoch is not the expected one (nothing was written).
 */
export const APPEND_SCRIPT = `
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  epoch = ARGV[2]
  redis.call('SET', KEYS[2], epoch)
end
if ARGV[1] ~= '' and ARGV[1] ~= epoch then
  return {0, epoch}
end
local result = {1, epoch}
local i = 4
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  local command = {'XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*'}
  for j = 1, n do command[6 + j] = ARGV[i + j] end
  result[#result + 1] = redis.call(unpack(command))
  i = i + n + 1
end
return result`;

/** The key that identifies one life of a stream: it goes away with the stream when Redis loses its data. */
export const epochKeyOf = (streamName: string): string => `${streamName}:epoch`;

export const newEpoch = (): string => randomBytes(8).toString("hex");

export interface PublisherOptions {
  streamName: string;
  maxLen: number;
  /** Entries waiting for Redis, at most; beyond it `enqueue` refuses. */
  maxPending: number;
  /** How long an applied entry is kept, to be written again if the stream turns out to have been reset. */
  historyMs: number;
}

interface Entry {
  seq: number;
  fields: string[];
  appliedAt: number;
}

/**
 * Writes the messages of one process into one stream, in order, and loses none through a Redis
 * outage:
 *
 * - messages wait in a bounded buffer; one batch at a time goes to Redis (so the order holds), and
 *   a batch that fails (connection lost, Redis stalled then killed) is sent again, after a
 *   growing delay, until Redis takes it;
 * - each batch is written by a script that first checks the stream's epoch key: if Redis came back
 *   without its data, the script writes nothing, and the publisher first writes again the entries
 *   Redis had already taken in the last `historyMs` (readers drop the copies they had: each entry
 *   carries `mid`, this publisher's id and its sequence number).
 *
 * When the buffer holds `maxPending` messages, `enqueue` refuses new ones (the caller decides what
 * to do with them); the older ones keep their place and order.
 */
export class StreamPublisher {
  readonly publisherId = randomBytes(8).toString("hex");
  private readonly epochKey: string;
  private seq = 0;
  private epoch = "";
  private queue: Entry[] = [];
  private history: Entry[] = [];
  /** The messages of this publisher by sequence number, until this process reads them back. */
  private readonly originals = new Map<number, ClusterMessage>();
  private sending = false;
  private started = false;
  private closed = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private drained: Array<() => void> = [];

  constructor(
    private readonly connection: RedisCommands,
    private readonly opts: PublisherOptions,
    private readonly events: { onError(err: Error): void; onReset(): void },
  ) {
    this.epochKey = epochKeyOf(opts.streamName);
  }

  /** Messages waiting for Redis. */
  get pending(): number {
    return this.queue.length;
  }

  /** Starts writing (once this process reads the stream, so that it reads its own messages back). */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.pump();
  }

  /** Queues a message; answers false when the buffer is full. */
  enqueue(fields: Record<string, string>, original?: ClusterMessage): boolean {
    if (this.closed || this.queue.length >= this.opts.maxPending) return false;
    const seq = ++this.seq;
    const flat: string[] = [];
    for (const [key, value] of Object.entries(fields)) flat.push(key, value);
    flat.push("mid", `${this.publisherId}:${seq}`);
    this.queue.push({ seq, fields: flat, appliedAt: 0 });
    if (original) this.originals.set(seq, original);
    // A burst of messages in the same tick goes out as one batch.
    if (this.queue.length === 1) queueMicrotask(() => this.pump());
    return true;
  }

  /** The message of sequence `seq`, when this process wrote it (read back without decoding). */
  takeOriginal(seq: number): ClusterMessage | undefined {
    const original = this.originals.get(seq);
    this.originals.delete(seq);
    return original;
  }

  /** Resolves once every queued message is in Redis (or the publisher is closed). */
  whenDrained(): Promise<void> {
    if (this.queue.length === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  /**
   * This process's reader found the stream reset: what Redis had taken lately is written again
   * now, not on the next message (the epoch guard would notice then), and the new epoch adopted.
   */
  streamReset(): void {
    if (this.closed || this.history.length === 0) return;
    debug("stream %s was reset: writing %d recent entries again", this.opts.streamName, this.history.length);
    this.queue.unshift(...this.history);
    this.history = [];
    this.epoch = "";
    this.pump();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.queue = [];
    this.history = [];
    this.originals.clear();
    for (const resolve of this.drained.splice(0)) resolve();
  }

  private pump(): void {
    if (this.sending || !this.started || this.closed || this.retryTimer) return;
    if (this.queue.length === 0) {
      for (const resolve of this.drained.splice(0)) resolve();
      return;
    }
    this.sending = true;
    const batch = this.queue.slice(0, MAX_BATCH);
    const args = ["EVAL", APPEND_SCRIPT, "2", this.opts.streamName, this.epochKey, this.epoch, newEpoch(), String(this.opts.maxLen)];
    for (const entry of batch) args.push(String(entry.fields.length), ...entry.fields);
    this.connection.call(args).then(
      (reply) => {
        this.sending = false;
        this.failures = 0;
        this.onReply(batch, parseStrings(reply));
        this.pump();
      },
      (err: Error) => {
        this.sending = false;
        if (this.closed) return;
        const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** this.failures++);
        this.events.onError(
          new ClusterAdapterError(
            "CLUSTER_UNREACHABLE",
            `${batch.length} message(s) not written to ${this.opts.streamName}, retrying in ${delay} ms: ${err.message}`,
            { cause: err },
          ),
        );
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.pump();
        }, delay);
      },
    );
  }

  private onReply(batch: Entry[], reply: string[]): void {
    const [status, epoch] = reply;
    if (epoch === undefined) return void debug("unexpected reply of the append script: %o", reply);
    if (status !== "1") {
      // The stream lost its data: what Redis had taken lately goes again, before anything newer.
      debug("stream %s was reset (epoch %s, now %s): writing %d recent entries again", this.opts.streamName, this.epoch, epoch, this.history.length);
      this.epoch = epoch;
      this.queue.unshift(...this.history);
      this.history = [];
      this.events.onReset();
      return;
    }
    this.epoch = epoch;
    const now = Date.now();
    this.queue.splice(0, batch.length);
    for (const entry of batch) entry.appliedAt = now;
    this.history.push(...batch);
    const expired = this.history.findIndex((entry) => now - entry.appliedAt <= this.opts.historyMs);
    const drop = expired === -1 ? this.history.length : expired;
    for (const entry of this.history.splice(0, Math.max(drop, this.history.length - this.opts.maxPending))) this.originals.delete(entry.seq);
  }
}
