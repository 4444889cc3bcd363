import type { Packet } from "@switchboard/protocol";
import type { DescribedSocket } from "./describe-socket.js";
import type { WireOptions } from "./wire-options.js";

/** A server node of a cluster: one adapter (one namespace of one process) has one. */
export type ServerId = string;

/**
 * Message types of the cluster protocol, numbered as `socket.io-adapter`'s ClusterAdapter numbers
 * them, so the adapters built on it (Redis Streams, ...) share one cluster with socket.io's.
 */
export const MessageType = {
  INITIAL_HEARTBEAT: 1,
  HEARTBEAT: 2,
  BROADCAST: 3,
  SOCKETS_JOIN: 4,
  SOCKETS_LEAVE: 5,
  DISCONNECT_SOCKETS: 6,
  FETCH_SOCKETS: 7,
  FETCH_SOCKETS_RESPONSE: 8,
  SERVER_SIDE_EMIT: 9,
  SERVER_SIDE_EMIT_RESPONSE: 10,
  BROADCAST_CLIENT_COUNT: 11,
  BROADCAST_ACK: 12,
  ADAPTER_CLOSE: 13,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** The uid of messages sent by emitters (processes that publish but are not server nodes). */
export const EMITTER_UID = "emitter";

interface Envelope {
  uid: ServerId;
  nsp: string;
}

/** A message to every node of the cluster. */
export type ClusterMessage = Envelope &
  (
    | { type: typeof MessageType.INITIAL_HEARTBEAT | typeof MessageType.HEARTBEAT | typeof MessageType.ADAPTER_CLOSE }
    | { type: typeof MessageType.BROADCAST; data: { opts: WireOptions; packet: Packet; requestId?: string } }
    | { type: typeof MessageType.SOCKETS_JOIN | typeof MessageType.SOCKETS_LEAVE; data: { opts: WireOptions; rooms: string[] } }
    | { type: typeof MessageType.DISCONNECT_SOCKETS; data: { opts: WireOptions; close?: boolean } }
    | { type: typeof MessageType.FETCH_SOCKETS; data: { opts: WireOptions; requestId: string } }
    | { type: typeof MessageType.SERVER_SIDE_EMIT; data: { packet: unknown[]; requestId?: string } }
  );

/** An answer to one node's request, sent to that node only. */
export type ClusterResponse = Envelope &
  (
    | { type: typeof MessageType.FETCH_SOCKETS_RESPONSE; data: { requestId: string; sockets: DescribedSocket[] } }
    | { type: typeof MessageType.SERVER_SIDE_EMIT_RESPONSE; data: { requestId: string; packet: unknown } }
    | { type: typeof MessageType.BROADCAST_CLIENT_COUNT; data: { requestId: string; clientCount: number } }
    | { type: typeof MessageType.BROADCAST_ACK; data: { requestId: string; packet: unknown } }
  );

/** A message before the adapter stamps it with its uid and namespace. */
type WithoutEnvelope<T> = T extends unknown ? Omit<T, keyof Envelope> : never;
export type UnsentMessage = WithoutEnvelope<ClusterMessage>;
export type UnsentResponse = WithoutEnvelope<ClusterResponse>;

const RESPONSE_TYPES: ReadonlySet<number> = new Set([
  MessageType.FETCH_SOCKETS_RESPONSE,
  MessageType.SERVER_SIDE_EMIT_RESPONSE,
  MessageType.BROADCAST_CLIENT_COUNT,
  MessageType.BROADCAST_ACK,
]);

/** Whether a decoded value from the wire looks like a cluster message (network input is checked, never trusted). */
export function isClusterMessage(value: unknown): value is ClusterMessage | ClusterResponse {
  if (!value || typeof value !== "object") return false;
  const { uid, nsp, type, data } = value as Record<string, unknown>;
  if (typeof uid !== "string" || typeof nsp !== "string" || typeof type !== "number") return false;
  if (type === MessageType.INITIAL_HEARTBEAT || type === MessageType.HEARTBEAT || type === MessageType.ADAPTER_CLOSE) return true;
  return !!data && typeof data === "object";
}

export function isResponse(message: ClusterMessage | ClusterResponse): message is ClusterResponse {
  return RESPONSE_TYPES.has(message.type);
}
