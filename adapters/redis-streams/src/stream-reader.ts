import createDebug from "debug";
import { ClusterAdapterError } from "@switchboard/server";
import { parseMid } from "./message-codec.js";
import type { RedisCommands } from "./redis-connection.js";
import { parseStrings, parseXRead, type StreamEntry } from "./redis-replies.js";
import { epochKeyOf, newEpoch } from "./stream-publisher.js";

const debug = createDebug("switchboard:redis-streams");

const RETRY_MIN_MS = 50;
const RETRY_MAX_MS = 2000;
/** Publishers remembered for de-duplication (the least recently heard ones are forgotten first). */
const MAX_PUBLISHERS = 10_000;

/**
 * The stream's epoch (created when missing) and its last id ("0-0" when empty), in one step.
 * KEYS: stream, epoch key. ARGV: a new epoch.
 */
const POSITION_SCRIPT = `
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  epoch = ARGV[1]
  redis.call('SET', KEYS[2], epoch)
end
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #last == 0 then return {epoch, '0-0'} end
return {epoch, last[1][1]}`;

export interface ReaderOptions {
  streamName: string;
  readCount: number;
  blockTimeInMs: number;
}

/**
 * Reads one stream on a connection of its own (XREAD blocks it) and hands every entry, in stream
 * order and once, to `dispatch`.
 *
 * - It starts at the end of the stream, and `position` is always the id of the last entry handed
 *   over: what this node has applied, which recovery needs to know.
 * - After an error (Redis gone, restarted, paused) it waits a growing delay and reads again from
 *   `position`. Before that, and whenever a read times out with nothing new, it checks the
 *   stream's epoch: a new epoch means Redis came back without its data (or the ids went back), so
 *   it reads the new stream from its start.
 * - It drops the second copy of an entry (same `mid`: a publisher wrote it again after a retry or
 *   a reset) by remembering the last sequence number of each publisher.
 */
export class StreamReader {
  position = "0-0";
  readonly ready: Promise<void>;
  private epoch: string | undefined;
  private readonly lastSeq = new Map<string, number>();
  private closed = false;
  private checkNeeded = false;
  private failures = 0;
  private markReady!: () => void;
  private pause: { timer: NodeJS.Timeout; wake: () => void } | undefined;

  constructor(
    private readonly connection: RedisCommands,
    private readonly opts: ReaderOptions,
    private readonly events: {
      dispatch(entry: StreamEntry, publisher: string | undefined, seq: number): void;
      onError(err: Error): void;
      onReset(): void;
    },
  ) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  start(): void {
    void this.run();
  }

  close(): void {
    this.closed = true;
    this.connection.close();
    this.markReady();
    if (this.pause) {
      clearTimeout(this.pause.timer);
      this.pause.wake();
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.pause = undefined;
        resolve();
      };
      this.pause = { timer: setTimeout(wake, ms), wake };
    });
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        if (this.epoch === undefined) {
          await this.locate(true);
          this.markReady();
        } else if (this.checkNeeded) {
          await this.locate(false);
        }
        this.checkNeeded = false;
        const reply = await this.connection.call([
          "XREAD",
          "BLOCK",
          String(this.opts.blockTimeInMs),
          "COUNT",
          String(this.opts.readCount),
          "STREAMS",
          this.opts.streamName,
          this.position,
        ]);
        const entries = parseXRead(reply);
        // A read with nothing new: a good time to check that the stream is still the same one.
        if (entries.length === 0) this.checkNeeded = true;
        for (const entry of entries) this.take(entry);
        this.failures = 0;
      } catch (err) {
        if (this.closed) return;
        this.checkNeeded = true;
        const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** this.failures++);
        this.events.onError(
          new ClusterAdapterError("CLUSTER_UNREACHABLE", `reading ${this.opts.streamName} failed, again in ${delay} ms: ${(err as Error).message}`, {
            cause: err,
          }),
        );
        await this.wait(delay);
      }
    }
  }

  /** Learns the stream's epoch; on the first call, starts at its end; later, notices a reset. */
  private async locate(first: boolean): Promise<void> {
    const [epoch, lastId] = parseStrings(
      await this.connection.call(["EVAL", POSITION_SCRIPT, "2", this.opts.streamName, epochKeyOf(this.opts.streamName), newEpoch()]),
    );
    if (epoch === undefined || lastId === undefined) throw new Error("unexpected reply of the position script");
    if (first) {
      this.epoch = epoch;
      this.position = lastId;
      return debug("reading %s from %s (epoch %s)", this.opts.streamName, lastId, epoch);
    }
    if (epoch === this.epoch) return;
    debug("stream %s was reset (epoch %s, now %s): reading it from its start", this.opts.streamName, this.epoch, epoch);
    this.epoch = epoch;
    this.position = "0-0";
    this.events.onReset();
  }

  private take(entry: StreamEntry): void {
    this.position = entry.id;
    const mid = parseMid(entry.fields.mid);
    if (!mid) return this.events.dispatch(entry, undefined, 0);
    const { publisher, seq } = mid;
    const last = this.lastSeq.get(publisher);
    if (last !== undefined && seq <= last) return void debug("dropping the second copy of %s", entry.fields.mid);
    // Most recently heard last, so that the oldest publishers are the ones forgotten.
    this.lastSeq.delete(publisher);
    this.lastSeq.set(publisher, seq);
    if (this.lastSeq.size > MAX_PUBLISHERS) this.lastSeq.delete(this.lastSeq.keys().next().value!);
    this.events.dispatch(entry, publisher, seq);
  }
}
