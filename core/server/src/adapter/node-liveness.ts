import type { ServerId } from "./cluster-messages.js";

export interface LivenessOptions {
  /** Milliseconds between two heartbeats of a node. */
  heartbeatInterval: number;
  /** Milliseconds without a word from a node before it is declared dead. */
  heartbeatTimeout: number;
}

/**
 * Which peer nodes are alive, from their heartbeats and any other message they send.
 *
 * A peer is declared dead once nothing came from it for `heartbeatTimeout` while this node's own
 * heartbeats kept coming back through the broker, without a gap, for at least as long: a broker
 * outage silences every peer, and must not make them dead (a request would then complete without
 * their answers, as if they had none). After an outage, verdicts wait until the link has worked
 * for a whole `heartbeatTimeout` again.
 *
 * One timer, armed for the earliest possible verdict, serves every peer: a message from a peer
 * only moves its deadline, it never touches a timer.
 */
export class NodeLiveness {
  private readonly peers = new Map<ServerId, number>();
  private selfHeardAt = -Infinity;
  private linkUpSince: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;
  private closed = false;
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(
    private readonly opts: LivenessOptions,
    private readonly onDead: (uid: ServerId) => void,
  ) {}

  /** The peers believed alive. */
  get alive(): ServerId[] {
    return [...this.peers.keys()];
  }

  get size(): number {
    return this.peers.size;
  }

  /** When the last message of a peer arrived (undefined for a node that is not a known peer). */
  lastHeard(uid: ServerId): number | undefined {
    return this.peers.get(uid);
  }

  /** A heartbeat from a peer: it is alive. Returns true when it was not known yet. */
  heartbeat(uid: ServerId): boolean {
    const known = this.peers.has(uid);
    this.peers.set(uid, Date.now());
    if (known) return false;
    this.schedule();
    this.waiters = this.waiters.filter((waiter) => (this.peers.size >= waiter.count ? (waiter.resolve(), false) : true));
    return true;
  }

  /** Resolves once at least `count` peers are known, or after `timeoutMs`. */
  whenKnown(count: number, timeoutMs: number): Promise<void> {
    if (this.peers.size >= count || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { count, resolve: () => (clearTimeout(timer), resolve()) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      }, timeoutMs);
      timer.unref();
      this.waiters.push(waiter);
    });
  }

  /** Any other message from a node: refreshes it if it is a known peer. */
  touch(uid: ServerId): void {
    if (this.peers.has(uid)) this.peers.set(uid, Date.now());
  }

  /** This node's own heartbeat came back through the broker: its link works. */
  selfHeartbeat(): void {
    const now = Date.now();
    if (this.linkUpSince === undefined || now - this.selfHeardAt > this.maxGap) this.linkUpSince = now;
    this.selfHeardAt = now;
    this.schedule();
  }

  /** Forgets a peer (it said goodbye, or was declared dead). */
  remove(uid: ServerId): boolean {
    return this.peers.delete(uid);
  }

  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
    this.peers.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The longest silence of this node's own heartbeats that still counts as a working link. */
  private get maxGap(): number {
    return (this.opts.heartbeatInterval + this.opts.heartbeatTimeout) / 2;
  }

  private linkWorks(now: number): boolean {
    return now - this.selfHeardAt <= this.maxGap;
  }

  /** Arms the timer for the earliest moment a verdict may fall (when the link works). */
  private schedule(): void {
    if (this.closed || this.peers.size === 0 || this.linkUpSince === undefined) return;
    const { heartbeatTimeout } = this.opts;
    let earliest = Infinity;
    for (const lastHeard of this.peers.values()) earliest = Math.min(earliest, lastHeard);
    const due = Math.max(earliest, this.linkUpSince) + heartbeatTimeout + 1;
    if (this.timer && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => this.check(), Math.max(0, due - Date.now()));
    // Liveness bookkeeping must never keep a process alive.
    this.timer.unref();
  }

  private check(): void {
    this.timer = undefined;
    this.timerDue = Infinity;
    const now = Date.now();
    // A silent link: no verdict now; the next heartbeat of this node schedules again.
    if (!this.linkWorks(now) || this.linkUpSince === undefined) return;
    const { heartbeatTimeout } = this.opts;
    if (now - this.linkUpSince >= heartbeatTimeout) {
      for (const [uid, lastHeard] of [...this.peers]) {
        if (now - lastHeard > heartbeatTimeout && this.peers.delete(uid)) this.onDead(uid);
      }
    }
    this.schedule();
  }
}
