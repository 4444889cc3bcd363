import createDebug from "debug";
import { ServerError } from "./server-errors.js";

const debug = createDebug("switchboard:server");

/** How `io.close({ handover })` hands this node's clients over to the other nodes of a cluster. */
export interface HandoverOptions {
  /**
   * Milliseconds over which the connections are ended, spread evenly (one per `window / n` slot,
   * at a random point of it): the other nodes get at most about `2n / window` reconnections a
   * second from this node. Default 5000; at most the recovery's `maxDisconnectionDuration`.
   */
  window?: number;
  /** Milliseconds after the window for the last clients to leave before they are cut. Default 5000. */
  grace?: number;
}

/** The options of `io.close(options)`. */
export interface CloseOptions {
  /** Hand the clients over to the other nodes instead of disconnecting them all at once (`true`: the defaults). */
  handover?: boolean | HandoverOptions;
}

export interface ResolvedHandover {
  window: number;
  grace: number;
}

const DEFAULT_WINDOW = 5000;
const DEFAULT_GRACE = 5000;

function checkMs(name: string, value: unknown, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > max) {
    throw new ServerError("INVALID_OPTION", `handover.${name} must be a number of milliseconds between 0 and ${max} (got ${String(value)})`);
  }
  return value;
}

/**
 * Validates `close()`'s handover option; undefined means a plain close. `maxWindow` is the time
 * a session stays recoverable: a window longer than that would hand over sessions already gone.
 */
export function resolveHandover(option: CloseOptions["handover"], maxWindow = Number.MAX_SAFE_INTEGER): ResolvedHandover | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return { window: Math.min(DEFAULT_WINDOW, maxWindow), grace: DEFAULT_GRACE };
  if (typeof option !== "object" || option === null) throw new ServerError("INVALID_OPTION", "handover must be a boolean or { window, grace }");
  return {
    window: checkMs("window", option.window ?? Math.min(DEFAULT_WINDOW, maxWindow), maxWindow),
    grace: checkMs("grace", option.grace ?? DEFAULT_GRACE, Number.MAX_SAFE_INTEGER),
  };
}

/**
 * When each of `count` connections ends, in ms from now, ascending: slot `i` of `window / count`
 * gets one, at a random point of it. So any stretch of the window sees about its share of the
 * connections, never a burst (random times alone would cluster).
 */
export function handoverDelays(count: number, window: number, random: () => number = Math.random): number[] {
  const slot = count > 0 ? window / count : 0;
  const delays: number[] = [];
  for (let i = 0; i < count; i++) delays.push(Math.floor((i + random()) * slot));
  return delays;
}

/** What the handover needs of an engine connection (ours has `handOff`; engine.io's only `close`). */
export interface HandedConnection {
  readonly readyState: string;
  once(event: "close", listener: () => void): unknown;
  close(): unknown;
  handOff?(): void;
}

/**
 * Ends each connection at its time of {@link handoverDelays}, and resolves once all of them have
 * closed, or `grace` ms after the window (what is left is then the caller's to cut).
 */
export function handOverConnections(
  connections: readonly HandedConnection[],
  handover: ResolvedHandover,
  random: () => number = Math.random,
): Promise<{ handedOver: number; left: number }> {
  const open = connections.filter((conn) => conn.readyState === "open" || conn.readyState === "opening");
  debug("handing %d connection(s) over within %d ms", open.length, handover.window);
  if (open.length === 0) return Promise.resolve({ handedOver: 0, left: 0 });
  // A random order: the slots do not follow the order the clients connected in.
  const order = open.map((conn) => ({ conn, key: random() })).sort((a, b) => a.key - b.key);
  const delays = handoverDelays(order.length, handover.window, random);
  return new Promise((resolve) => {
    let left = order.length;
    const timers: NodeJS.Timeout[] = [];
    const finish = () => {
      for (const timer of timers) clearTimeout(timer);
      resolve({ handedOver: order.length - left, left });
    };
    const deadline = setTimeout(() => {
      debug("handover: %d connection(s) still open after the window and grace", left);
      finish();
    }, handover.window + handover.grace);
    order.forEach(({ conn }, i) => {
      conn.once("close", () => {
        if (--left > 0) return;
        clearTimeout(deadline);
        finish();
      });
      timers.push(
        setTimeout(() => {
          if (conn.readyState !== "open") return;
          if (typeof conn.handOff === "function") conn.handOff();
          // engine.io's socket: a close that writes what it holds first (the client reconnects on it too).
          else conn.close();
        }, delays[i]),
      );
    });
  });
}

/**
 * Counts the incoming events whose acknowledgement the application has not sent yet: a handler
 * still running (a store write, then a broadcast) when a node hands over would otherwise find its
 * adapter closed and lose its broadcast. `close({ handover })` waits for them, `grace` at most.
 */
export class PendingAnswers {
  private count = 0;
  private waiters: Array<() => void> = [];

  start(): void {
    this.count++;
  }

  done(): void {
    if (this.count > 0 && --this.count === 0) for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves true once every started answer is done, false after `timeoutMs`. */
  settled(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(wake);
    });
  }
}
