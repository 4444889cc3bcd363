import type { EncodedPacket, Packet } from "@switchboard/protocol";

export type Room = string;
export type SocketId = string;
/** The private id a client presents to recover its session (never broadcast, unlike the socket id). */
export type PrivateSessionId = string;

/** Modifiers of one broadcast, set by the operators (`volatile`, `compress`, `local`, `timeout`...). */
export interface BroadcastFlags {
  volatile?: boolean;
  compress?: boolean;
  local?: boolean;
  broadcast?: boolean;
  binary?: boolean;
  timeout?: number;
  expectSingleResponse?: boolean;
}

/** Who a broadcast reaches: sockets in any of `rooms` (all when empty), minus those in `except`. */
export interface BroadcastOptions {
  rooms: Set<Room>;
  except?: Set<Room>;
  flags?: BroadcastFlags;
}

/** What the engine is asked to write; the same object serves every recipient of a broadcast. */
export interface WriteOptions {
  preEncoded?: boolean;
  volatile?: boolean;
  compress?: boolean;
  /** The whole Engine.IO message as UTF-8 bytes (`"4" + text`), built once per broadcast. */
  wsPreEncoded?: Buffer;
}

/** A session kept after a disconnection so the client can recover it. */
export interface SessionToPersist {
  sid: SocketId;
  pid: PrivateSessionId;
  rooms: Room[];
  data: unknown;
}

export interface Session extends SessionToPersist {
  /** Event arguments (offset last) emitted to the session's rooms while it was away. */
  missedPackets: unknown[][];
}

/** The handshake details of a socket, as `fetchSockets()` exposes them. */
export interface AdapterHandshake {
  headers: Record<string, string | string[] | undefined>;
  /** Creation date, as a string. */
  time: string;
  address: string;
  xdomain: boolean;
  secure: boolean;
  /** Creation date, as a Unix timestamp in milliseconds. */
  issued: number;
  url: string;
  query: Record<string, string | string[] | undefined>;
  /** The `auth` object the client sent with CONNECT. */
  auth: Record<string, unknown>;
}

/** What an adapter needs from a server-side socket (the names of socket.io's Socket). */
export interface AdapterSocket {
  readonly id: SocketId;
  readonly handshake: AdapterHandshake;
  readonly rooms: Set<Room>;
  data: unknown;
  readonly acks: Map<number, (...args: unknown[]) => void>;
  readonly client: { writeToEngine(encoded: EncodedPacket, opts: WriteOptions): void };
  notifyOutgoingListeners(packet: Packet): void;
  join(rooms: Room | Room[]): Promise<void> | void;
  leave(room: Room): Promise<void> | void;
  disconnect(close?: boolean): unknown;
  emit(event: string, ...args: unknown[]): boolean;
}

/** What an adapter needs from its namespace (the names of socket.io's Namespace). */
export interface AdapterNamespace {
  readonly name: string;
  readonly sockets: Map<SocketId, AdapterSocket>;
  /** The namespace's ack-id counter, shared with its sockets' own emits. */
  _ids: number;
  readonly server: {
    readonly encoder: { encode(packet: Packet): EncodedPacket };
    readonly opts?: { connectionStateRecovery?: { maxDisconnectionDuration?: number } | boolean | undefined };
  };
  _onServerSideEmit(args: unknown[]): void;
}
