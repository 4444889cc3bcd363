import type { Packet } from "@switchboard/protocol";
import type { Room, WireOptions } from "@switchboard/server";

/** Request types on `<key>-request#<nsp>#`, numbered as the official Redis adapter numbers them. */
export const RequestType = {
  SOCKETS: 0,
  ALL_ROOMS: 1,
  REMOTE_JOIN: 2,
  REMOTE_LEAVE: 3,
  REMOTE_DISCONNECT: 4,
  REMOTE_FETCH: 5,
  SERVER_SIDE_EMIT: 6,
  BROADCAST: 7,
  BROADCAST_CLIENT_COUNT: 8,
  BROADCAST_ACK: 9,
} as const;
export type RequestType = (typeof RequestType)[keyof typeof RequestType];

/** A request as it arrives (JSON, or msgpack for BROADCAST); any field may be missing. */
export interface WireRequest {
  type?: number;
  uid?: string;
  requestId?: string;
  rooms?: Room[];
  room?: Room;
  sid?: string;
  opts?: WireOptions;
  close?: boolean;
  data?: unknown[];
  packet?: Packet;
}

/** A response on `<key>-response#<nsp>#[uid#]`. */
export interface WireResponse {
  type?: number;
  requestId?: string;
  sockets?: unknown[];
  rooms?: Room[];
  data?: unknown;
  clientCount?: number;
  packet?: unknown;
}

/** A broadcast on `<key>#<nsp>#[room#]`: `[senderUid, packet, options]`. */
export type WireBroadcast = [string, Packet, WireOptions];
