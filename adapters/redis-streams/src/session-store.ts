import createDebug from "debug";
import type { AdapterNamespace, PrivateSessionId, SessionToPersist, SocketId } from "@switchboard/server";
import { decodeMsgpack, encodeMsgpack } from "@switchboard/redis-adapter";
import type { RedisCommands } from "./redis-connection.js";
import { parseString } from "./redis-replies.js";

const debug = createDebug("switchboard:redis-streams");

/** Reads and deletes a key in one step (GETDEL needs Redis 6.2). */
const TAKE_SCRIPT = `local value = redis.call('GET', KEYS[1])
if value then redis.call('DEL', KEYS[1]) end
return value`;

const RETRY_MS = 500;

/**
 * The sessions of this node's recoverable sockets, in Redis under `<sessionKeyPrefix><pid>`, in
 * the official adapter's format (base64 of the MessagePack of `{ sid, pid, rooms, data }`), so
 * that any node of the cluster, socket.io's included, can restore them.
 *
 * A session is written when its socket connects, again (coalesced per tick) when its rooms change,
 * and every `refreshInterval` while it stays connected (data included), with a lifetime of
 * `maxDisconnectionDuration + refreshInterval`: after its node dies, a session stays recoverable
 * for at least `maxDisconnectionDuration`, and goes at most `refreshInterval` later. A socket that
 * leaves in a recoverable way is written once more with a lifetime of `maxDisconnectionDuration`;
 * one that leaves for good (its client or the server disconnected it) is deleted.
 */
export class SessionStore {
  readonly refreshInterval: number;
  private readonly tracked = new Map<SocketId, PrivateSessionId>();
  private readonly dirty = new Set<SocketId>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushQueued = false;
  private readonly refreshTimer: NodeJS.Timeout;
  private closed = false;
  /** Sessions of sockets that left, on their way to Redis (a closing node waits for them). */
  private readonly keeping = new Set<Promise<void>>();

  constructor(
    private readonly connection: RedisCommands,
    private readonly nsp: AdapterNamespace,
    private readonly opts: { prefix: string; maxDisconnectionDuration: number },
    private readonly onError: (err: Error) => void,
  ) {
    this.refreshInterval = Math.min(Math.max(Math.floor(opts.maxDisconnectionDuration / 4), 50), 30_000);
    this.refreshTimer = setInterval(() => this.refreshAll(), this.refreshInterval);
    this.refreshTimer.unref();
  }

  /** How many connected sessions this node keeps in Redis. */
  get size(): number {
    return this.tracked.size;
  }

  keyOf(pid: PrivateSessionId): string {
    return this.opts.prefix + pid;
  }

  /** A recoverable socket connected here: its session is kept from now on. */
  track(sid: SocketId, pid: PrivateSessionId): void {
    this.tracked.set(sid, pid);
    this.dirty.delete(sid);
    this.writeConnected(sid);
  }

  /** The rooms of a socket changed: its session is written again (once per tick). */
  changed(sid: SocketId): void {
    if (!this.tracked.has(sid)) return;
    this.dirty.add(sid);
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  /** The socket left in a way that may be recovered: its last state, for `maxDisconnectionDuration`. */
  keep(session: SessionToPersist): Promise<void> {
    this.tracked.delete(session.sid);
    this.dirty.delete(session.sid);
    const kept = this.writeKept(session);
    this.keeping.add(kept);
    const done = () => void this.keeping.delete(kept);
    kept.then(done, done);
    return kept;
  }

  /** Resolves once every session given to {@link keep} so far is written (or given up). */
  async settled(): Promise<void> {
    while (this.keeping.size > 0) await Promise.allSettled([...this.keeping]);
  }

  private async writeKept(session: SessionToPersist): Promise<void> {
    const since = Date.now();
    // Through a Redis outage: tried again while the session would still be recoverable.
    for (;;) {
      const ttl = this.opts.maxDisconnectionDuration - (Date.now() - since);
      try {
        return await this.write(session, ttl);
      } catch (err) {
        if (this.closed || ttl <= RETRY_MS) throw err;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref());
      }
    }
  }

  /** The socket left for good: its session goes. */
  forget(sid: SocketId): void {
    const pid = this.tracked.get(sid);
    if (pid === undefined) return;
    this.tracked.delete(sid);
    this.dirty.delete(sid);
    this.connection.call(["DEL", this.keyOf(pid)]).catch((err: Error) => this.onError(new Error(`session of ${sid} not deleted: ${err.message}`)));
  }

  /** Reads and deletes a session (a session is restored once). */
  async take(pid: PrivateSessionId): Promise<SessionToPersist | undefined> {
    const raw = parseString(await this.connection.call(["EVAL", TAKE_SCRIPT, "1", this.keyOf(pid)]));
    if (raw === undefined) return undefined;
    try {
      const session = decodeMsgpack(Buffer.from(raw, "base64")) as Partial<SessionToPersist>;
      if (typeof session?.sid !== "string" || typeof session.pid !== "string" || !Array.isArray(session.rooms)) throw new Error("missing fields");
      return { sid: session.sid, pid: session.pid, rooms: session.rooms.filter((room) => typeof room === "string"), data: session.data ?? {} };
    } catch (err) {
      debug("ignoring malformed session %s: %s", pid, (err as Error).message);
      return undefined;
    }
  }

  /** Writes every connected session again (on the timer, and after Redis lost its data). */
  refreshAll(): void {
    for (const sid of this.tracked.keys()) this.dirty.add(sid);
    this.flush();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.refreshTimer);
    clearTimeout(this.flushTimer);
    this.tracked.clear();
    this.dirty.clear();
  }

  private flush(): void {
    if (this.closed) return;
    const sids = [...this.dirty];
    this.dirty.clear();
    for (const sid of sids) this.writeConnected(sid);
  }

  private writeConnected(sid: SocketId): void {
    const pid = this.tracked.get(sid);
    const socket = this.nsp.sockets.get(sid);
    if (pid === undefined || !socket) return;
    this.write({ sid, pid, rooms: [...socket.rooms], data: socket.data }, this.opts.maxDisconnectionDuration + this.refreshInterval).catch(() => {
      // Written again a little later, if the socket is still here.
      if (!this.tracked.has(sid) || this.closed) return;
      this.dirty.add(sid);
      this.flushTimer ??= setTimeout(() => {
        this.flushTimer = undefined;
        this.flush();
      }, RETRY_MS);
    });
  }

  private async write(session: SessionToPersist, ttl: number): Promise<void> {
    if (ttl <= 0) return;
    try {
      await this.connection.call(["SET", this.keyOf(session.pid), encodeSession(session), "PX", String(Math.ceil(ttl))]);
    } catch (err) {
      this.onError(new Error(`session of ${session.sid} not written: ${(err as Error).message}`));
      throw err;
    }
  }
}

/** A session in the official format; data that MessagePack cannot carry is dropped (and logged). */
function encodeSession(session: SessionToPersist): string {
  const { sid, pid, rooms, data } = session;
  try {
    return encodeMsgpack({ sid, pid, rooms, data }, "msgpack").toString("base64");
  } catch (err) {
    debug("session %s: its data cannot be stored (%s)", sid, (err as Error).message);
    return encodeMsgpack({ sid, pid, rooms, data: null }, "msgpack").toString("base64");
  }
}
