import type { ClockEntry, HeartbeatClock } from "./heartbeat-clock.js";

/** What a {@link Heartbeat} drives: the session it watches. */
export interface HeartbeatOwner {
  /** Sends a ping packet (v4). */
  sendPing(): void;
  /** The peer missed its deadline: the session closes with "ping timeout". */
  onPingTimeout(): void;
}

/** Pings may leave this share of the interval early (at most {@link MAX_PING_SLACK} ms), so those due together share a timer callback. */
const PING_SLACK = 0.01;
const MAX_PING_SLACK = 50;

/**
 * The heartbeat of one session. Engine.IO v4: the server pings every `pingInterval` and wants a
 * pong within `pingTimeout`; the next ping is due `pingInterval` after the pong. v3: the client
 * pings, the server answers pong, and a client silent for `pingInterval + pingTimeout` is gone.
 * It holds no timer of its own: the engine's {@link HeartbeatClock} fires it.
 */
export class Heartbeat implements ClockEntry {
  /** @internal */ due = 0;
  /** @internal */ prev: ClockEntry | null = null;
  /** @internal */ next: ClockEntry | null = null;
  /** @internal */ queue: ClockEntry["queue"] = null;
  /** v4: a ping is out and its pong is awaited. */
  private awaitingPong = false;

  constructor(
    readonly owner: HeartbeatOwner,
    private readonly clock: HeartbeatClock,
    private readonly protocol: 3 | 4,
    private readonly pingInterval: number,
    private readonly pingTimeout: number,
  ) {
    if (protocol === 3) clock.schedule(this, pingInterval + pingTimeout);
    else this.schedulePing();
  }

  private schedulePing(): void {
    this.clock.schedule(this, this.pingInterval, Math.min(MAX_PING_SLACK, Math.floor(this.pingInterval * PING_SLACK)));
  }

  /** @internal Run by the clock when this session's deadline came. */
  fire(): void {
    if (this.protocol === 4 && !this.awaitingPong) {
      // Scheduled before sending, so a ping that closes the session (a full write buffer) stops it.
      this.awaitingPong = true;
      this.clock.schedule(this, this.pingTimeout);
      this.owner.sendPing();
      return;
    }
    this.owner.onPingTimeout();
  }

  /** A ping from the client. Returns whether it is valid (v3: answer it with a pong). */
  onPing(): boolean {
    if (this.protocol !== 3) return false;
    if (this.queue !== null) this.clock.schedule(this, this.pingInterval + this.pingTimeout);
    return true;
  }

  /** A pong from the client. Returns whether it is valid (v4 only). */
  onPong(): boolean {
    if (this.protocol === 3) return false;
    if (this.queue !== null) {
      this.awaitingPong = false;
      this.schedulePing();
    }
    return true;
  }

  stop(): void {
    this.clock.cancel(this);
  }
}
