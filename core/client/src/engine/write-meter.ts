import type { EngineData } from "@switchboard/protocol";
import type { ClientTimers } from "../timers.js";

// A WebSocket says nothing when its `bufferedAmount` shrinks: while over the high-water mark, it is
// read this often (browsers offer no event for it either).
const DRAIN_POLL_MS = 16;

/** Size of a packet for flow control: UTF-16 units for text, bytes otherwise. */
function packetSize(data: EngineData | undefined): number {
  if (data === undefined) return 1;
  if (typeof data === "string") return data.length + 1;
  const sized = data as { byteLength?: number; size?: number };
  return (sized.byteLength ?? sized.size ?? 0) + 1;
}

/**
 * Flow control of a client engine: counts the bytes written and not sent yet against the
 * high-water mark, and calls `onDrain` once they fall back under it after reaching it.
 *
 * @example
 * const meter = new WriteMeter(1e6, timers, () => transport.bufferedAmount, () => emit("belowHighWaterMark"));
 */
export class WriteMeter {
  /** Bytes queued in the engine, not handed to the transport yet. */
  #pending = 0;
  /** Bytes of the batch the transport is writing (until its `drain`). */
  #inFlight = 0;
  #needDrain = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly mark: number,
    private readonly timers: ClientTimers,
    /** What the transport holds, when it can tell (a WebSocket's `bufferedAmount`). */
    private readonly transportBuffered: () => number | undefined,
    private readonly onDrain: () => void,
  ) {}

  /** Queued bytes plus what the transport holds (or, when it cannot tell, the batch in flight). */
  get bufferedAmount(): number {
    return this.#pending + (this.transportBuffered() ?? this.#inFlight);
  }

  get needDrain(): boolean {
    return this.#needDrain;
  }

  /** A packet was queued. */
  queued(data: EngineData | undefined): void {
    this.#pending += packetSize(data);
  }

  /** After a write (and the flush it may have started): starts waiting for the drain once over the mark. */
  afterWrite(): boolean {
    if (!this.#needDrain && this.bufferedAmount >= this.mark) {
      this.#needDrain = true;
      this.#poll();
      return true;
    }
    return false;
  }

  /** These packets were handed to the transport. */
  flushed(packets: readonly { data?: EngineData }[]): void {
    let bytes = 0;
    for (const packet of packets) bytes += packetSize(packet.data);
    this.#pending -= bytes;
    this.#inFlight = bytes;
  }

  /** The transport finished its batch. */
  written(): void {
    this.#inFlight = 0;
    if (this.#needDrain) this.check();
  }

  /** Calls `onDrain` if what is held fell under the mark. */
  check(): void {
    const held = this.bufferedAmount;
    // A mark of 0 (every write asks to wait) drains when nothing is held, as in Node's streams.
    if (held >= this.mark && held > 0) return;
    this.#needDrain = false;
    this.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.onDrain();
  }

  /** The connection closed: nothing is held, nothing is due. */
  reset(): void {
    this.#pending = this.#inFlight = 0;
    this.#needDrain = false;
    this.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #poll(): void {
    this.#timer = this.timers.setTimeout(() => {
      this.#timer = undefined;
      if (!this.#needDrain) return;
      this.check();
      if (this.#needDrain) this.#poll();
    }, DRAIN_POLL_MS);
  }
}
