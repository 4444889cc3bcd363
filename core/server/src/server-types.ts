import type { IncomingHttpHeaders } from "node:http";
import type { ParsedUrlQuery } from "node:querystring";
import type { Packet } from "@switchboard/protocol";
import type { AdapterHandshake } from "./adapter/index.js";

/** Why a socket left its namespace (the `disconnect` event's first argument). */
export type DisconnectReason =
  | "transport error"
  | "transport close"
  | "forced close"
  | "ping timeout"
  | "parse error"
  | "server shutting down"
  /** The client stopped reading and its buffer passed `maxWriteBufferSize`. */
  | "write buffer full"
  | "forced server close"
  | "client namespace disconnect"
  | "server namespace disconnect";

/** Reasons after which a session may be restored by connection state recovery. */
export const RECOVERABLE_DISCONNECT_REASONS: ReadonlySet<DisconnectReason> = new Set<DisconnectReason>([
  "transport error",
  "transport close",
  "forced close",
  "ping timeout",
  "server shutting down",
  "forced server close",
]);

/** What the server knows of the HTTP request that opened the connection (`socket.handshake`). */
export interface Handshake extends AdapterHandshake {
  headers: IncomingHttpHeaders;
  query: ParsedUrlQuery;
}

export type { Room, SocketId, BroadcastFlags, BroadcastOptions, Session, WriteOptions } from "./adapter/index.js";

export interface ConnectionStateRecoveryOptions {
  /** How long a session is kept after a disconnection (default 2 minutes). */
  maxDisconnectionDuration?: number;
  /** Whether a recovered socket skips the namespace middlewares (default true). */
  skipMiddlewares?: boolean;
}

/**
 * A parser such as `socket.io-msgpack-parser`: an Encoder and a Decoder class. `encode` returns the
 * frames of one packet (an array); the return type is left open because some parsers' published
 * typings declare a single buffer while their code returns an array.
 */
export interface ParserLike {
  Encoder: new () => { encode(packet: Packet): unknown };
  Decoder: new () => DecoderLike;
}

/** The decoder half of a parser: fed chunk by chunk, emits `decoded`. */
export interface DecoderLike {
  add(chunk: unknown): void;
  destroy(): void;
  on(event: "decoded", listener: (packet: Packet) => void): unknown;
  off?(event: "decoded", listener?: (packet: Packet) => void): unknown;
  removeListener?(event: "decoded", listener: (packet: Packet) => void): unknown;
}
