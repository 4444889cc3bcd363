import createDebug from "debug";
import { MessageType, fromWireOptions, reachesRooms } from "@switchboard/server";
import type { Packet } from "@switchboard/protocol";
import type { BroadcastOptions, ClusterMessage, PrivateSessionId, Room, Session, SocketId } from "@switchboard/server";
import { decodeEntry, parseMid } from "./message-codec.js";
import type { RedisCommands } from "./redis-connection.js";
import { parseEntries, type StreamEntry } from "./redis-replies.js";
import type { SessionStore } from "./session-store.js";
import { compareIds, isStreamId, nextId } from "./stream-ids.js";

const debug = createDebug("switchboard:redis-streams");

export interface RecoveryContext {
  connection: RedisCommands;
  streamName: string;
  nspName: string;
  /** Entries per XRANGE call. */
  pageSize: number;
  /** XRANGE calls one restore may make before it gives up. */
  maxPages: number;
  /** How long a restored session waits for its socket to connect (or be refused). */
  holdMs: number;
  /** The id of the last entry this node's reader applied. */
  position(): string;
  isRecoverable(packet: Packet, opts: BroadcastOptions): boolean;
}

/** A restored session whose socket has not joined its rooms yet: what reaches it meanwhile is kept for it. */
interface HeldSession {
  rooms: Set<Room>;
  /** Entries up to this id are in the replay; later ones are kept here. */
  after: string;
  packets: unknown[][];
  timer: NodeJS.Timeout;
}

/**
 * Connection state recovery on any node: a session is read from Redis (wherever it was written),
 * and what its rooms missed is read from the stream, from the client's offset to the entry this
 * node's reader applied last. From that same moment until the socket has joined its rooms, every
 * entry the reader applies that reaches the session is kept for it, and handed over when the
 * socket connects (after the replay). So each packet reaches the client once, in stream order,
 * whatever the auth and middlewares take.
 *
 * Joins and leaves of the stream that select the session (`socketsJoin`...) change its rooms on
 * the way, so that the broadcasts after them are filtered with the right rooms.
 */
export class SessionRecovery {
  private readonly held = new Map<SocketId, HeldSession>();

  constructor(
    private readonly ctx: RecoveryContext,
    private readonly store: SessionStore,
  ) {}

  async restore(pid: PrivateSessionId, offset: string): Promise<Session | null> {
    if (!isStreamId(offset)) return null;
    const [session, found] = await Promise.all([this.store.take(pid), this.ctx.connection.call(["XRANGE", this.ctx.streamName, offset, offset])]);
    if (!session) return (debug("no session %s", pid), null);
    if (parseEntries(found).length === 0) return (debug("offset %s of session %s is no longer in the stream", offset, session.sid), null);
    const rooms = new Set(session.rooms);
    const missed: unknown[][] = [];
    const lastSeq = new Map<string, number>();
    let last = offset;
    for (let page = 0; page < this.ctx.maxPages; page++) {
      const target = this.ctx.position();
      if (compareIds(last, target) >= 0) {
        // Synchronously with the check: from here on, the reader's entries after `last` are kept for it.
        this.hold(session.sid, rooms, last);
        debug("session %s restored with %d missed packet(s)", session.sid, missed.length);
        return { ...session, rooms: [...rooms], missedPackets: missed };
      }
      const entries = parseEntries(await this.ctx.connection.call(["XRANGE", this.ctx.streamName, nextId(last), target, "COUNT", String(this.ctx.pageSize)]));
      // Applied by the reader but gone from the stream (trimmed, or a reset): nothing to replay there.
      if (entries.length === 0) last = target;
      for (const entry of entries) {
        last = entry.id;
        if (isCopy(entry, lastSeq)) continue;
        const message = decodeEntry(entry.fields);
        if (message?.nsp === this.ctx.nspName) this.replay(message, entry.id, rooms, missed);
      }
    }
    debug("session %s: the stream grew faster than it could be read, not restored", session.sid);
    return null;
  }

  /** A broadcast of the stream reached this node (`data` ends with its offset). */
  delivered(data: unknown[], opts: BroadcastOptions, offset: string): void {
    for (const held of this.held.values()) {
      if (compareIds(offset, held.after) > 0 && reachesRooms(held.rooms, opts)) held.packets.push([...data]);
    }
  }

  /** A join or leave of the stream reached this node. */
  moved(opts: BroadcastOptions, rooms: Room[], join: boolean, offset: string | undefined): void {
    for (const held of this.held.values()) {
      if (offset !== undefined && compareIds(offset, held.after) <= 0) continue;
      if (!reachesRooms(held.rooms, opts)) continue;
      for (const room of rooms) {
        if (join) held.rooms.add(room);
        else held.rooms.delete(room);
      }
    }
  }

  /** The restored socket joined its rooms: what reached it since, and the rooms it should be in now. */
  release(sid: SocketId): { packets: unknown[][]; rooms: Set<Room> } | undefined {
    const held = this.held.get(sid);
    if (!held) return undefined;
    clearTimeout(held.timer);
    this.held.delete(sid);
    return { packets: held.packets, rooms: held.rooms };
  }

  get holding(): number {
    return this.held.size;
  }

  close(): void {
    for (const held of this.held.values()) clearTimeout(held.timer);
    this.held.clear();
  }

  private hold(sid: SocketId, rooms: Set<Room>, after: string): void {
    const timer = setTimeout(() => {
      this.held.delete(sid);
      debug("restored session %s never connected: no longer held", sid);
    }, this.ctx.holdMs);
    timer.unref();
    this.held.set(sid, { rooms, after, packets: [], timer });
  }

  private replay(message: ClusterMessage, id: string, rooms: Set<Room>, missed: unknown[][]): void {
    switch (message.type) {
      case MessageType.BROADCAST: {
        const { packet, opts: wire, requestId } = message.data;
        if (requestId !== undefined || !packet || typeof packet !== "object") return;
        const opts = fromWireOptions(wire);
        if (this.ctx.isRecoverable(packet, opts) && reachesRooms(rooms, opts)) missed.push([...(packet.data as unknown[]), id]);
        return;
      }
      case MessageType.SOCKETS_JOIN:
      case MessageType.SOCKETS_LEAVE: {
        if (!reachesRooms(rooms, fromWireOptions(message.data.opts)) || !Array.isArray(message.data.rooms)) return;
        for (const room of message.data.rooms) {
          if (typeof room !== "string") continue;
          if (message.type === MessageType.SOCKETS_JOIN) rooms.add(room);
          else rooms.delete(room);
        }
        return;
      }
    }
  }
}

/** Whether an entry is the second copy of one already replayed (same publisher, same sequence). */
function isCopy(entry: StreamEntry, lastSeq: Map<string, number>): boolean {
  const mid = parseMid(entry.fields.mid);
  if (!mid) return false;
  const last = lastSeq.get(mid.publisher);
  if (last !== undefined && mid.seq <= last) return true;
  lastSeq.set(mid.publisher, mid.seq);
  return false;
}
