import debugModule from "debug";

const debug = debugModule("switchboard:engine");

/** An entry of a {@link HeartbeatClock}: the clock links it into one of its queues. */
export interface ClockEntry {
  /** @internal Monotonic time (ms) the entry is due at. */
  due: number;
  /** @internal Neighbours in its queue (null at the ends), and the queue itself. */
  prev: ClockEntry | null;
  next: ClockEntry | null;
  queue: ClockQueue | null;
  /** Runs when the entry is due; the entry is out of every queue by then. */
  fire(): void;
}

/**
 * The entries waiting for one delay. Every entry is added `delay` ms after "now", so a queue is
 * sorted by due time without any sorting: new entries go to the tail, due ones leave by the head.
 */
export class ClockQueue {
  head: ClockEntry | null = null;
  tail: ClockEntry | null = null;

  constructor(
    readonly delay: number,
    /** How early an entry may fire, so entries due close together fire in one timer callback. */
    readonly early: number,
  ) {}
}

/**
 * One timer for the heartbeats of every session of an engine, instead of one or two timers per
 * session. Entries wait in one queue per delay (ping interval, ping timeout), each a linked list
 * through the entries themselves: adding, moving and removing are O(1) and allocate nothing.
 * The timer is armed for the earliest head and cleared when every queue is empty.
 *
 * The timer is armed for the earliest due entry, never before. Timeouts never fire early; when the
 * timer fires, a queue created with `early` > 0 (pings) also fires its entries due within that many
 * ms, so sessions whose pings fall due close together share one timer callback (with pings due
 * every millisecond, the clock wakes about once per `early` ms instead of once per millisecond).
 *
 * @example
 * const clock = new HeartbeatClock();
 * clock.schedule(entry, 25000); // entry.fire() in 25 s
 * clock.cancel(entry);
 */
export class HeartbeatClock {
  private readonly queues: ClockQueue[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Due time the timer is armed for (Infinity: not armed). */
  private armedFor = Infinity;

  /** Monotonic now, in ms (the global `performance`, which fake timers replace in tests). */
  now(): number {
    return performance.now();
  }

  /**
   * (Re)schedules `entry` to fire `delay` ms from now, removing it from any queue first. `early`
   * (ms) is the slack of the delay's queue, fixed by the first entry scheduled with that delay.
   */
  schedule(entry: ClockEntry, delay: number, early = 0): void {
    if (entry.queue !== null) this.unlink(entry);
    const queue = this.queueFor(delay, early);
    // Whole milliseconds, rounded up (never early): a small integer is stored in the entry itself,
    // where a fraction would cost a boxed number per session.
    entry.due = Math.ceil(this.now()) + delay;
    entry.prev = queue.tail;
    entry.next = null;
    entry.queue = queue;
    if (queue.tail === null) queue.head = entry;
    else queue.tail.next = entry;
    queue.tail = entry;
    if (queue.head === entry) this.arm(entry.due);
  }

  /** Takes `entry` out of its queue (nothing happens if it is in none). */
  cancel(entry: ClockEntry): void {
    if (entry.queue === null) return;
    this.unlink(entry);
    // The timer stays armed: firing early with nothing due only re-arms it. Cleared when idle.
    if (this.timer !== undefined && this.isEmpty()) this.disarm();
  }

  /** Whether no entry waits (then no timer is armed). */
  isEmpty(): boolean {
    for (const queue of this.queues) if (queue.head !== null) return false;
    return true;
  }

  private queueFor(delay: number, early: number): ClockQueue {
    for (const queue of this.queues) if (queue.delay === delay) return queue;
    const queue = new ClockQueue(delay, Math.max(0, Math.min(early, delay)));
    this.queues.push(queue);
    return queue;
  }

  private unlink(entry: ClockEntry): void {
    const queue = entry.queue!;
    if (entry.prev === null) queue.head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next === null) queue.tail = entry.prev;
    else entry.next.prev = entry.prev;
    entry.prev = entry.next = null;
    entry.queue = null;
  }

  private arm(at: number): void {
    if (at >= this.armedFor) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.armedFor = at;
    this.timer = setTimeout(this.tick, Math.max(1, Math.ceil(at - this.now())));
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = this.now();
    let next = Infinity;
    for (const queue of this.queues) {
      const limit = now + queue.early;
      // An entry fired may schedule itself again (a ping then waits for its pong, in another
      // queue); one that lands in this queue again is due later than `limit`, so the loop ends.
      let entry = queue.head;
      while (entry !== null && entry.due <= limit) {
        this.unlink(entry);
        try {
          entry.fire();
        } catch (err) {
          // One session's failure must not stop every other heartbeat; surface it afterwards.
          debug("heartbeat failed: %O", err);
          queueMicrotask(() => {
            throw err;
          });
        }
        entry = queue.head;
      }
    }
    for (const queue of this.queues) if (queue.head !== null) next = Math.min(next, queue.head.due);
    if (next !== Infinity) this.arm(next);
  };
}
