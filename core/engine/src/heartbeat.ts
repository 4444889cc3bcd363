/** What a {@link Heartbeat} drives: the session it watches. */
export interface HeartbeatOwner {
  /** Sends a ping packet (v4). */
  sendPing(): void;
  /** The peer missed its deadline: the session closes with "ping timeout". */
  onPingTimeout(): void;
}

function ping(heartbeat: Heartbeat): void {
  heartbeat.owner.sendPing();
  heartbeat.awaitPong();
}

function timedOut(heartbeat: Heartbeat): void {
  heartbeat.owner.onPingTimeout();
}

/**
 * The heartbeat of one session. Engine.IO v4: the server pings every `pingInterval` and wants a
 * pong within `pingTimeout`. v3: the client pings, the server answers pong, and a client silent
 * for `pingInterval + pingTimeout` is gone.
 */
export class Heartbeat {
  private intervalTimer: NodeJS.Timeout | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly owner: HeartbeatOwner,
    private readonly protocol: 3 | 4,
    pingInterval: number,
    private readonly pingTimeout: number,
  ) {
    if (protocol === 3) this.timeoutTimer = setTimeout(timedOut, pingInterval + pingTimeout, this);
    else this.intervalTimer = setTimeout(ping, pingInterval, this);
  }

  /** @internal A ping went out (v4): the pong is due within pingTimeout. */
  awaitPong(): void {
    this.timeoutTimer = setTimeout(timedOut, this.pingTimeout, this);
  }

  /** A ping from the client. Returns whether it is valid (v3: answer it with a pong). */
  onPing(): boolean {
    if (this.protocol !== 3) return false;
    this.timeoutTimer?.refresh();
    return true;
  }

  /** A pong from the client. Returns whether it is valid (v4 only). */
  onPong(): boolean {
    if (this.protocol === 3) return false;
    clearTimeout(this.timeoutTimer);
    this.timeoutTimer = undefined;
    this.intervalTimer?.refresh();
    return true;
  }

  stop(): void {
    clearTimeout(this.intervalTimer);
    clearTimeout(this.timeoutTimer);
    this.intervalTimer = this.timeoutTimer = undefined;
  }
}
