import type { Flags } from "./socket.js";

type AnyFn = ((...args: unknown[]) => void) & { withError?: boolean };

interface QueuedPacket {
  args: unknown[];
  flags: Flags;
  tryCount: number;
  pending: boolean;
}

/** A packet of the retry queue as `socket._queue` shows it (a copy: changing it changes nothing). */
export interface QueuedPacketView {
  /** The event name and arguments (the ack callback last). */
  readonly args: readonly unknown[];
  /** Times it was sent so far. */
  readonly tryCount: number;
  /** Sent and awaiting its acknowledgement. */
  readonly pending: boolean;
}

/**
 * The `retries` option: emits go out one at a time and each is re-sent until acknowledged or
 * retried `retries` times; the user's ack then receives `(err, ...response)`.
 */
export class OutgoingQueue {
  #queue: QueuedPacket[] = [];

  constructor(
    private readonly retries: number,
    private readonly send: (args: unknown[], flags: Flags) => void,
  ) {}

  get enabled(): boolean {
    return this.retries > 0;
  }

  /** The queued packets, oldest (the one in flight) first. */
  view(): readonly QueuedPacketView[] {
    return this.#queue.map(({ args, tryCount, pending }) => Object.freeze({ args: Object.freeze(args.slice()), tryCount, pending }));
  }

  add(args: unknown[], flags: Flags): void {
    const ack = typeof args[args.length - 1] === "function" ? (args.pop() as AnyFn) : undefined;
    const packet: QueuedPacket = { args, flags: { ...flags, fromQueue: true }, tryCount: 0, pending: false };
    const onResponse: AnyFn = (err: unknown, ...response: unknown[]) => {
      if (packet !== this.#queue[0]) return;
      if (err != null) {
        if (packet.tryCount > this.retries) {
          this.#queue.shift();
          ack?.(err);
        }
      } else {
        this.#queue.shift();
        ack?.(null, ...response);
      }
      packet.pending = false;
      this.drain(true);
    };
    onResponse.withError = true;
    args.push(onResponse);
    this.#queue.push(packet);
  }

  /** Sends the head of the queue unless it is in flight (`force` re-sends it after a reconnection). */
  drain(connected: boolean, force = false): void {
    const packet = this.#queue[0];
    if (!connected || !packet) return;
    if (packet.pending && !force) return;
    packet.pending = true;
    packet.tryCount++;
    this.send(packet.args, packet.flags);
  }
}
