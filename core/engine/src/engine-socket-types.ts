import type { EnginePacket } from "@switchboard/protocol";
import type { ResolvedEngineOptions } from "./engine-options.js";
import type { EngineSocket } from "./engine-socket.js";
import type { HeartbeatClock } from "./heartbeat-clock.js";
import type { OutgoingPacket, Transport } from "./transport.js";

export type EngineSocketReadyState = "opening" | "open" | "closing" | "closed";

/** Why a session closed, with engine.io's wording. */
export type EngineCloseReason =
  | "transport close"
  | "transport error"
  | "ping timeout"
  | "forced close"
  | "server shutting down"
  | "parse error"
  /** The client stopped reading and its buffer passed `maxWriteBufferSize` (see `writeBufferPolicy`). */
  | "write buffer full";

export type SendCallback = (err?: Error) => void;

/** Events of an {@link EngineSocket}, with their arguments. */
export interface EngineSocketEventMap {
  open: [];
  /** A message from the client: text, or a Buffer for binary. */
  message: [data: string | Buffer];
  /** Same as `message` (engine.io emits both). */
  data: [data: string | Buffer];
  packet: [packet: EnginePacket];
  packetCreate: [packet: OutgoingPacket];
  upgrading: [transport: Transport];
  upgrade: [transport: Transport];
  flush: [packets: OutgoingPacket[]];
  /** The write buffer was handed to the transport (after every flush, as in engine.io). */
  drain: [];
  /**
   * Flow control: what the session holds fell back under `writeBufferHighWaterMark` after
   * {@link EngineSocket.writableNeedDrain} turned true (engine.io's `drain` keeps its meaning).
   */
  belowHighWaterMark: [];
  heartbeat: [];
  error: [err: Error];
  close: [reason: EngineCloseReason, description?: Error];
}

/** What a socket needs from its engine (kept narrow so sockets hold little). */
export interface EngineSocketHost {
  readonly opts: ResolvedEngineOptions;
  /** Called once, when the socket closes. */
  onSocketClose(socket: EngineSocket): void;
  /** The one timer driving every session's heartbeat. */
  readonly heartbeatClock: HeartbeatClock;
  /** Server-level `flush`/`drain` events, only emitted when someone listens. */
  listenerCount(event: string): number;
  emit(event: string, ...args: unknown[]): boolean;
}

/**
 * What the Socket.IO layer over a session is told of it, by direct calls: before the listeners of
 * the same events, and without a listener table per session for it (`engine.io`'s sockets are
 * listened to instead).
 */
export interface EngineSocketSink {
  _ondata(data: string | Buffer): void;
  _onclose(reason: EngineCloseReason, description?: Error): void;
}
