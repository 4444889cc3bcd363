import debugModule from "debug";
import type { EngineData } from "@switchboard/protocol";
import { claimTurn, currentTurn, scheduleFlush, type Flushable } from "./flush-queue.js";
import type { OutgoingPacket, SendOptions, Transport } from "./transport.js";
import type { EngineSocketHost, EngineSocketReadyState, SendCallback } from "./engine-socket-types.js";
import { SessionState } from "./session-state.js";

const debug = debugModule("switchboard:engine");

/**
 * The write buffer of every session with nothing queued: one shared empty array instead of one per
 * session (frozen, so a write that skipped {@link WriteQueue.sendPacket} would throw, not leak).
 */
const NOTHING_QUEUED = Object.freeze([]) as unknown as OutgoingPacket[];

/** The send callback of a batch with none of its own, when the session must know it was written. */
function awaitWrite(): void {}

/** Size of a packet as counted against `maxWriteBufferSize`: UTF-16 units for text, bytes otherwise. */
function packetSize(data: EngineData | undefined): number {
  if (data === undefined) return 1;
  return (typeof data === "string" ? data.length : data.byteLength) + 1;
}

/**
 * The outgoing side of an {@link EngineSocket}: the first packet of a turn written at once, the
 * write buffer flushed once per turn, and the bounds on what the session holds for its client
 * (`maxWriteBufferSize` with `writeBufferPolicy`, `writeBufferHighWaterMark` for flow control).
 */
export abstract class WriteQueue extends SessionState implements Flushable {
  abstract readonly id: string;
  abstract transport: Transport;
  abstract get readyState(): EngineSocketReadyState;
  /**
   * Packets waiting for the next flush (one per event-loop turn). Still readable in a `close`
   * listener, which may want what never left (as in engine.io); emptied right after.
   */
  writeBuffer: OutgoingPacket[] = NOTHING_QUEUED;
  /** Callbacks of the packets in `writeBuffer` (created by the first write that has one). */
  private sendCallbacks: SendCallback[] | undefined;
  /** The event-loop turn in which a packet last skipped the write buffer (see `mayWriteNow`). */
  private writtenInTurn = 0;
  /** Bytes queued in `writeBuffer` (see {@link packetSize}). */
  private queuedBytes = 0;
  /**
   * What may be queued before the bound is worked out exactly: the limit minus what the transport
   * held at the last flush, minus what was written at once since (the transport holds at most that
   * much more; it only shrinks until the next flush, so this errs on the safe side).
   */
  private writeBudget: number;
  /** Same as {@link writeBudget}, for `writeBufferHighWaterMark`. */
  private highWaterBudget: number;

  constructor(protected readonly server: EngineSocketHost) {
    super();
    this.writeBudget = server.opts.maxWriteBufferSize;
    this.highWaterBudget = server.opts.writeBufferHighWaterMark;
  }

  /**
   * Bytes this session holds for its client: packets queued here plus what the transport has not
   * handed to the OS yet. Kept under `maxWriteBufferSize` (see `writeBufferPolicy`).
   */
  get bufferedAmount(): number {
    return this.queuedBytes + this.transport.bufferedAmount;
  }

  /**
   * Flow control, as Node's `writable.writableNeedDrain`: true once {@link bufferedAmount}
   * reached `writeBufferHighWaterMark`, until `belowHighWaterMark` is emitted. `send()` returns
   * the socket (engine.io's chaining), so a producer reads this after writing.
   *
   * @example
   * socket.send(chunk);
   * if (socket.writableNeedDrain) socket.once("belowHighWaterMark", produceMore);
   */
  get writableNeedDrain(): boolean {
    return this.needDrain;
  }

  /** @internal Whether a packet went out at once this turn (the next ones wait for the flush). */
  get wroteThisTurn(): boolean {
    return this.writtenInTurn === currentTurn();
  }

  /** The buffer passed `maxWriteBufferSize` under the "close" policy (it is emptied already). */
  protected abstract closeForFullBuffer(): void;

  protected sendPacket(type: OutgoingPacket["type"], data?: EngineData, options?: SendOptions, callback?: SendCallback): void {
    const state = this.readyState;
    if (state === "closing" || state === "closed") {
      debug("socket %s: dropping %s packet, socket %s", this.id, type, state);
      return;
    }
    const size = packetSize(data);
    // Nothing queued and nothing written yet this turn: straight to the transport, without a
    // packet object, a buffer or a flush (a paced broadcast's and an ack's usual case).
    if (callback === undefined && this.mayWriteNow(size) && this.transport.writeNow(type, data, options)) {
      this.writtenInTurn = claimTurn();
      // The budgets count what the transport may now hold more (see writeBudget).
      this.writeBudget -= size;
      this.highWaterBudget -= size;
      return;
    }
    const packet: OutgoingPacket = options === undefined ? { type, data } : { type, data, options };
    // Listeners see the options as engine.io shows them (compress defaults to true); the packet
    // itself keeps the caller's options object, which a broadcast shares between recipients.
    if (this.listenerCount("packetCreate") > 0) this.emit("packetCreate", { type, data, options: { ...options, compress: options?.compress !== false } });
    // One add and one compare per write; the exact bound is worked out only past the budget.
    if ((this.queuedBytes += size) > this.writeBudget && !this.makeRoom(packet, size)) {
      if (callback) process.nextTick(callback, new Error("write buffer full"));
      return;
    }
    if (this.writeBuffer === NOTHING_QUEUED) this.writeBuffer = [packet];
    else this.writeBuffer.push(packet);
    if (callback) (this.sendCallbacks ??= []).push(callback);
    // Same as the bound above: one compare per write, the transport read only past the budget.
    if (this.queuedBytes >= this.highWaterBudget && !this.needDrain) this.checkHighWater();
    if (this.transport.writable) scheduleFlush(this);
  }

  /**
   * Whether a packet of `size` bytes may skip the write buffer: nothing is queued (so order holds),
   * nothing went out at once yet this turn (so a burst still leaves in one more write), the
   * transport is free, the packet fits both budgets and no `packetCreate`, `flush` or `drain`
   * listener expects to see a buffer.
   */
  private mayWriteNow(size: number): boolean {
    if (this.writeBuffer.length !== 0 || !this.transport.writable || this.writtenInTurn === currentTurn() || this.needDrain) return false;
    if (size > this.writeBudget || size > this.highWaterBudget) return false;
    return (
      this.listenerCount("packetCreate") === 0 &&
      this.listenerCount("flush") === 0 &&
      this.listenerCount("drain") === 0 &&
      this.server.listenerCount("flush") === 0 &&
      this.server.listenerCount("drain") === 0
    );
  }

  /** The queue passed the high-water budget: works out whether the real total reached the mark. */
  private checkHighWater(): void {
    const mark = this.server.opts.writeBufferHighWaterMark;
    const inTransport = this.transport.bufferedAmount;
    if (this.queuedBytes + inTransport >= mark) {
      debug("socket %s: write buffer reached the high-water mark (%d queued + %d in transport)", this.id, this.queuedBytes, inTransport);
      this.needDrain = true;
    } else {
      this.highWaterBudget = mark - inTransport;
    }
  }

  /** After the transport took or finished a batch: `belowHighWaterMark` once under the mark again. */
  private checkDrain(inTransport: number): void {
    const held = this.queuedBytes + inTransport;
    // A mark of 0 (every write asks to wait) drains when nothing is held, as in Node's streams.
    if (held >= this.server.opts.writeBufferHighWaterMark && held > 0) return;
    this.needDrain = false;
    debug("socket %s: write buffer back under the high-water mark", this.id);
    this.emit("belowHighWaterMark");
  }

  /**
   * The write of `packet` passed the budget: checks the real bound, then applies the policy.
   * Returns whether `packet` may be queued (false: dropped, or the session is closing).
   */
  private makeRoom(packet: OutgoingPacket, size: number): boolean {
    const { maxWriteBufferSize: limit, writeBufferPolicy } = this.server.opts;
    const inTransport = this.transport.bufferedAmount;
    if (this.queuedBytes + inTransport <= limit) {
      this.writeBudget = limit - inTransport;
      return true;
    }
    if (writeBufferPolicy === "drop-volatile") {
      if (packet.options?.volatile === true) {
        this.queuedBytes -= size;
        debug("socket %s: write buffer full, volatile packet dropped", this.id);
        return false;
      }
      const kept = this.writeBuffer.filter((queued) => queued.options?.volatile !== true);
      if (kept.length < this.writeBuffer.length) {
        debug("socket %s: write buffer full, %d queued volatile packets dropped", this.id, this.writeBuffer.length - kept.length);
        this.writeBuffer = kept;
        let queued = size;
        for (const p of kept) queued += packetSize(p.data);
        this.queuedBytes = queued;
        if (queued + inTransport <= limit) {
          this.writeBudget = limit - inTransport;
          return true;
        }
      }
    }
    debug("socket %s: write buffer full (%d queued + %d in transport > %d), closing", this.id, this.queuedBytes, inTransport, limit);
    this.writeBuffer = NOTHING_QUEUED;
    this.queuedBytes = 0;
    this.closeForFullBuffer();
    return false;
  }

  /** @internal Writes the buffer if the transport can take it (run by the flush queue). */
  flush(): void {
    if (this.readyState === "closed" || !this.transport.writable || this.writeBuffer.length === 0) return;
    const packets = this.writeBuffer;
    this.writeBuffer = NOTHING_QUEUED;
    const callbacks = this.sendCallbacks;
    this.sendCallbacks = undefined;
    this.queuedBytes = 0;
    if (this.listenerCount("flush") > 0) this.emit("flush", packets);
    if (this.server.listenerCount("flush") > 0) this.server.emit("flush", this, packets);
    // Without callbacks a transport may write without waiting for the write; a producer waiting
    // for `belowHighWaterMark` needs the wait, which tells when the bytes left (see onWritable).
    this.transport.send(
      packets,
      callbacks === undefined
        ? this.needDrain
          ? awaitWrite
          : undefined
        : (err) => {
            for (const cb of callbacks) cb(err);
          },
    );
    const inTransport = this.transport.bufferedAmount;
    this.writeBudget = this.server.opts.maxWriteBufferSize - inTransport;
    this.highWaterBudget = this.server.opts.writeBufferHighWaterMark - inTransport;
    if (this.listenerCount("drain") > 0) this.emit("drain");
    if (this.needDrain && this.readyState === "open") this.checkDrain(inTransport);
    if (this.server.listenerCount("drain") > 0) this.server.emit("drain", this);
    if (this.closeAfterFlush && this.readyState === "closing") {
      this.closeAfterFlush = false;
      this.transport.close(true);
    }
  }

  /** @internal The transport can take a write again. */
  onWritable(): void {
    // With packets waiting, the flush checks the mark; without, the batch that just left may
    // have been what kept the session over it.
    if (this.writeBuffer.length > 0) scheduleFlush(this);
    else if (this.needDrain && this.readyState === "open") this.checkDrain(this.transport.bufferedAmount);
  }

  /** At the final close: forgets the queued bytes and returns the callbacks still waiting. */
  protected takeSendCallbacks(): SendCallback[] | undefined {
    const callbacks = this.sendCallbacks;
    this.sendCallbacks = undefined;
    this.queuedBytes = 0;
    return callbacks;
  }

  /** At the final close, once `close` listeners have seen what never left. */
  protected dropWriteBuffer(): void {
    this.writeBuffer = NOTHING_QUEUED;
  }
}
