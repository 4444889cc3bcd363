import { PacketType, type Packet } from "@switchboard/protocol";
import { Adapter } from "./in-memory-adapter.js";
import { reachesRooms } from "./wire-options.js";
import type { AdapterNamespace, BroadcastOptions, PrivateSessionId, Session, SessionToPersist } from "./adapter-types.js";

interface StoredPacket {
  /** The offset the clients saw as the packet's last argument. */
  id: string;
  emittedAt: number;
  data: unknown[];
  opts: BroadcastOptions;
}

interface StoredSession extends SessionToPersist {
  disconnectedAt: number;
}

const DEFAULT_MAX_DISCONNECTION_DURATION = 2 * 60 * 1000;
const CLEANUP_INTERVAL = 60 * 1000;

let lastTime = 0;
let sequence = 0;

/** Offsets only need to be unique within the process and ordered; time plus a counter is both. */
function nextOffset(): string {
  const now = Date.now();
  if (now !== lastTime) {
    lastTime = now;
    sequence = 0;
  }
  return `${now.toString(36)}.${(sequence++).toString(36)}`;
}

/**
 * The in-memory adapter with connection state recovery: it stamps each recoverable broadcast with
 * an offset, keeps those packets and the sessions of disconnected sockets for
 * `maxDisconnectionDuration`, and replays what a returning client missed.
 *
 * @example
 * new Server({ connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000 } });
 */
export class SessionAwareAdapter extends Adapter {
  private readonly maxDisconnectionDuration: number;
  private readonly sessions = new Map<PrivateSessionId, StoredSession>();
  private packets: StoredPacket[] = [];
  private readonly cleanupTimer: NodeJS.Timeout;

  constructor(nsp: AdapterNamespace) {
    super(nsp);
    const recovery = nsp.server.opts?.connectionStateRecovery;
    this.maxDisconnectionDuration =
      typeof recovery === "object" && typeof recovery.maxDisconnectionDuration === "number"
        ? recovery.maxDisconnectionDuration
        : DEFAULT_MAX_DISCONNECTION_DURATION;
    this.cleanupTimer = setInterval(() => this.dropExpired(Date.now()), CLEANUP_INTERVAL);
    // A pending cleanup must never keep the process alive.
    this.cleanupTimer.unref();
  }

  override close(): void {
    clearInterval(this.cleanupTimer);
    this.sessions.clear();
    this.packets = [];
  }

  override persistSession(session: SessionToPersist): void {
    this.sessions.set(session.pid, { ...session, disconnectedAt: Date.now() });
  }

  override restoreSession(pid: PrivateSessionId, offset: string): Promise<Session | null> {
    const stored = this.sessions.get(pid);
    if (!stored) return Promise.resolve(null);
    // A session is recovered at most once: the next disconnection persists a fresh one.
    this.sessions.delete(pid);
    if (stored.disconnectedAt + this.maxDisconnectionDuration < Date.now()) return Promise.resolve(null);
    const index = this.packets.findIndex((packet) => packet.id === offset);
    if (index === -1) return Promise.resolve(null);
    const missedPackets: unknown[][] = [];
    for (let i = index + 1; i < this.packets.length; i++) {
      const packet = this.packets[i];
      if (reachesRooms(stored.rooms, packet.opts)) missedPackets.push(packet.data);
    }
    const { disconnectedAt: _ignored, ...session } = stored;
    return Promise.resolve({ ...session, missedPackets });
  }

  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    // Only plain events can be replayed: an ack cannot be answered twice, a volatile packet may be lost.
    if (packet.type === PacketType.EVENT && packet.id === undefined && !opts.flags?.volatile && Array.isArray(packet.data)) {
      const id = nextOffset();
      packet.data.push(id);
      this.packets.push({ id, emittedAt: Date.now(), data: packet.data as unknown[], opts });
    }
    super.broadcast(packet, opts);
  }

  /** Drops sessions and packets older than the recovery window. */
  private dropExpired(now: number): void {
    const threshold = now - this.maxDisconnectionDuration;
    for (const [pid, session] of this.sessions) {
      if (session.disconnectedAt < threshold) this.sessions.delete(pid);
    }
    const firstKept = this.packets.findIndex((packet) => packet.emittedAt >= threshold);
    if (firstKept === -1) this.packets = [];
    else if (firstKept > 0) this.packets.splice(0, firstKept);
  }
}
