import type { ClockEntry, HeartbeatClock } from "./heartbeat-clock.js";

/** Where a session's heartbeat settings live: its engine, shared by every session. */
export interface HeartbeatHost {
  readonly heartbeatClock: HeartbeatClock;
  readonly opts: { readonly pingInterval: number; readonly pingTimeout: number };
}

/**
 * A session with a heartbeat. The session itself is the clock's entry (no object of its own per
 * session): its `fire()` calls {@link fireHeartbeat}.
 */
export interface HeartbeatSession extends ClockEntry {
  /** @internal v4: a ping is out and its pong is awaited. */
  awaitingPong: boolean;
  /** Engine.IO revision: 4 (the server pings) or 3 (the client pings). */
  readonly protocol: 3 | 4;
  readonly heartbeatHost: HeartbeatHost;
  /** Sends a ping packet (v4). */
  sendPing(): void;
  /** The peer missed its deadline: the session closes with "ping timeout". */
  onPingTimeout(): void;
}

/** Pings may leave this share of the interval early (at most {@link MAX_PING_SLACK} ms), so those due together share a timer callback. */
const PING_SLACK = 0.01;
const MAX_PING_SLACK = 50;

// The heartbeat of one session. Engine.IO v4: the server pings every `pingInterval` and wants a
// pong within `pingTimeout`; the next ping is due `pingInterval` after the pong. v3: the client
// pings, the server answers pong, and a client silent for `pingInterval + pingTimeout` is gone.
// No timer of its own: the engine's HeartbeatClock fires it.

/** Starts the heartbeat of a session that just opened. */
export function startHeartbeat(session: HeartbeatSession): void {
  const { heartbeatClock, opts } = session.heartbeatHost;
  if (session.protocol === 3) heartbeatClock.schedule(session, opts.pingInterval + opts.pingTimeout);
  else schedulePing(session);
}

function schedulePing(session: HeartbeatSession): void {
  const { heartbeatClock, opts } = session.heartbeatHost;
  heartbeatClock.schedule(session, opts.pingInterval, Math.min(MAX_PING_SLACK, Math.floor(opts.pingInterval * PING_SLACK)));
}

/** Run (through the session's `fire()`) by the clock when the session's deadline came. */
export function fireHeartbeat(session: HeartbeatSession): void {
  if (session.protocol === 4 && !session.awaitingPong) {
    // Scheduled before sending, so a ping that closes the session (a full write buffer) stops it.
    session.awaitingPong = true;
    session.heartbeatHost.heartbeatClock.schedule(session, session.heartbeatHost.opts.pingTimeout);
    session.sendPing();
    return;
  }
  session.onPingTimeout();
}

/** A ping from the client. Returns whether it is valid (v3: answer it with a pong). */
export function onClientPing(session: HeartbeatSession): boolean {
  if (session.protocol !== 3) return false;
  const { heartbeatClock, opts } = session.heartbeatHost;
  if (session.queue !== null) heartbeatClock.schedule(session, opts.pingInterval + opts.pingTimeout);
  return true;
}

/** A pong from the client. Returns whether it is valid (v4 only). */
export function onClientPong(session: HeartbeatSession): boolean {
  if (session.protocol === 3) return false;
  if (session.queue !== null) {
    session.awaitingPong = false;
    schedulePing(session);
  }
  return true;
}

/** Stops the heartbeat (the session closed). */
export function stopHeartbeat(session: HeartbeatSession): void {
  session.heartbeatHost.heartbeatClock.cancel(session);
}
