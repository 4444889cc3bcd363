/** Options of every cluster adapter (the names of `socket.io-adapter`'s ClusterAdapterWithHeartbeat, and `requestsTimeout`). */
export interface ClusterAdapterOptions {
  /** Milliseconds between two heartbeats of this node (default 5000). */
  heartbeatInterval?: number;
  /** Milliseconds without a word from a node before it is declared dead (default 10000). */
  heartbeatTimeout?: number;
  /** Milliseconds a live node has to answer a request (default 5000). */
  requestsTimeout?: number;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0)
    throw new TypeError(`${name} must be a positive number of milliseconds (got ${String(value)})`);
  return value;
}

/** Checks the options (a wrong one throws, naming it) and fills the defaults. */
export function resolveClusterAdapterOptions(opts: ClusterAdapterOptions): Required<ClusterAdapterOptions> {
  const heartbeatInterval = positive(opts.heartbeatInterval, 5000, "heartbeatInterval");
  const heartbeatTimeout = positive(opts.heartbeatTimeout, 10_000, "heartbeatTimeout");
  if (heartbeatTimeout <= heartbeatInterval) {
    throw new TypeError(`heartbeatTimeout (${heartbeatTimeout}) must be longer than heartbeatInterval (${heartbeatInterval})`);
  }
  return { heartbeatInterval, heartbeatTimeout, requestsTimeout: positive(opts.requestsTimeout, 5000, "requestsTimeout") };
}
