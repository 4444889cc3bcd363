import { MessageType, type ClusterMessage, type Room, type ServerId } from "@switchboard/server";
import type { SubscriptionMode } from "./sharded-options.js";

/** Socket ids are 20 characters long (Socket.IO's and Switchboard's): such a room is taken for a socket's own room. */
const SOCKET_ID_LENGTH = 20;

/**
 * The shard channels of one namespace, named as `@socket.io/redis-adapter`'s sharded adapter
 * names them, so both adapters share one cluster:
 *
 * - `<prefix>#<nsp>#`: everything for every node (heartbeats, requests, joins, broadcasts...);
 * - `<prefix>#<nsp>#<uid>#`: the responses to node `<uid>`'s requests;
 * - `<prefix>#<nsp>#<room>#` (dynamic modes): the broadcasts to that one room.
 */
export class ShardedChannels {
  /** The namespace's channel, which every node listens to. */
  readonly main: string;

  constructor(
    prefix: string,
    nsp: string,
    private readonly mode: SubscriptionMode,
  ) {
    this.main = `${prefix}#${nsp}#`;
  }

  /** Where node `uid` receives the answers to its requests. */
  responses(uid: ServerId): string {
    return `${this.main}${uid}#`;
  }

  /** The channel of a room's broadcasts (dynamic modes). */
  room(room: Room): string {
    return `${this.main}${room}#`;
  }

  /**
   * Whether broadcasts to `room` alone travel on the room's channel, so a node with a member in
   * it must listen there. Publishers and subscribers apply the same rule: in `"dynamic"` mode a
   * room named like a socket id stays on the namespace's channel.
   */
  hasOwnChannel(room: Room): boolean {
    if (this.mode === "dynamic-private") return true;
    return this.mode === "dynamic" && room.length !== SOCKET_ID_LENGTH;
  }

  /**
   * The channel a message is published on: a plain broadcast to exactly one room with its own
   * channel goes there. A broadcast with acks stays on the namespace's channel: its sender counts
   * the answers of every node.
   */
  of(message: ClusterMessage): string {
    if (message.type === MessageType.BROADCAST && message.data.requestId === undefined) {
      const rooms = message.data.opts.rooms ?? [];
      if (rooms.length === 1 && this.hasOwnChannel(rooms[0])) return this.room(rooms[0]);
    }
    return this.main;
  }
}
