import { EventEmitter } from "node:events";
import type { EngineSocketEventMap } from "./engine-socket-types.js";
import type { ClockQueue } from "./heartbeat-clock.js";
import type { HeartbeatSession } from "./heartbeat.js";

// Flags of an EngineSocket, in one number (a field each would cost 8 bytes per session).
const UPGRADED = 1;
const UPGRADING = 2;
const FLUSH_QUEUED = 4;
const CLOSE_AFTER_FLUSH = 8;
const SHUTTING_DOWN = 16;
const NEED_DRAIN = 32;
const AWAITING_PONG = 64;

/**
 * The state of an {@link EngineSocket} that is not its buffers: its flags, in one number (a field
 * each would cost 8 bytes per session), and its place in the engine's heartbeat clock (the session
 * is its own clock entry, see heartbeat.ts).
 */
export abstract class SessionState extends EventEmitter<EngineSocketEventMap> {
  private flags = 0;
  /** @internal */ due = 0;
  /** @internal */ prev: HeartbeatSession | null = null;
  /** @internal */ next: HeartbeatSession | null = null;
  /** @internal */ queue: ClockQueue | null = null;

  private flag(bit: number): boolean {
    return (this.flags & bit) !== 0;
  }

  private setFlag(bit: number, on: boolean): void {
    this.flags = on ? this.flags | bit : this.flags & ~bit;
  }

  /** Whether the session moved from polling to WebSocket. */
  get upgraded(): boolean {
    return this.flag(UPGRADED);
  }

  set upgraded(on: boolean) {
    this.setFlag(UPGRADED, on);
  }

  /** Whether a WebSocket is being probed to replace the polling transport. */
  get upgrading(): boolean {
    return this.flag(UPGRADING);
  }

  set upgrading(on: boolean) {
    this.setFlag(UPGRADING, on);
  }

  /** @internal Scheduling flag of the flush queue. */
  get flushQueued(): boolean {
    return this.flag(FLUSH_QUEUED);
  }

  set flushQueued(on: boolean) {
    this.setFlag(FLUSH_QUEUED, on);
  }

  /** @internal v4: a ping is out and its pong is awaited. */
  get awaitingPong(): boolean {
    return this.flag(AWAITING_PONG);
  }

  set awaitingPong(on: boolean) {
    this.setFlag(AWAITING_PONG, on);
  }

  protected get closeAfterFlush(): boolean {
    return this.flag(CLOSE_AFTER_FLUSH);
  }

  protected set closeAfterFlush(on: boolean) {
    this.setFlag(CLOSE_AFTER_FLUSH, on);
  }

  protected get shuttingDown(): boolean {
    return this.flag(SHUTTING_DOWN);
  }

  protected set shuttingDown(on: boolean) {
    this.setFlag(SHUTTING_DOWN, on);
  }

  protected get needDrain(): boolean {
    return this.flag(NEED_DRAIN);
  }

  protected set needDrain(on: boolean) {
    this.setFlag(NEED_DRAIN, on);
  }
}
