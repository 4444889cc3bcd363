import { inspect } from "node:util";
import { resolveClusterAdapterOptions, type ClusterAdapterOptions } from "@switchboard/server";

/** Where messages go: the options an adapter and an emitter of one cluster must agree on. */
export interface StreamsWireOptions {
  /** Name of the stream, or prefix of the streams with `streamCount` (default `"socket.io"`). */
  streamName?: string;
  /** Streams to spread namespaces over; each namespace stays on one, for ordering (default 1). */
  streamCount?: number;
  /** Prefix of the pub/sub channels of requests, responses and heartbeats (default `"socket.io"`). */
  channelPrefix?: string;
  /** Approximate length the streams are trimmed to (`MAXLEN ~`, default 10000). */
  maxLen?: number;
  /** Send data as JSON without looking for binary first (default false). */
  onlyPlaintext?: boolean;
  /**
   * Messages waiting for Redis, at most (default 10000). Beyond it, a node's new broadcasts reach
   * its own clients only and the adapter reports `CLUSTER_PUBLISH_BUFFER_FULL`; an emitter throws.
   */
  maxPendingPublishes?: number;
  /** Not supported: must be false (sharded pub/sub). */
  useShardedPubSub?: boolean;
}

/** Options of `createAdapter` (those of `@socket.io/redis-streams-adapter` 0.3, and a few more). */
export interface RedisStreamsAdapterOptions extends StreamsWireOptions, ClusterAdapterOptions {
  /** Entries per XREAD (default 100). */
  readCount?: number;
  /** Milliseconds an XREAD blocks waiting for entries (default 5000). */
  blockTimeInMs?: number;
  /** Prefix of the session keys (connection state recovery, default `"sio:session:"`). */
  sessionKeyPrefix?: string;
}

export type ResolvedWireOptions = Required<Omit<StreamsWireOptions, "useShardedPubSub">>;
export type ResolvedStreamsOptions = ResolvedWireOptions &
  Required<Pick<RedisStreamsAdapterOptions, "readCount" | "blockTimeInMs" | "sessionKeyPrefix">> &
  Required<ClusterAdapterOptions>;

function positiveInteger(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive integer (got ${inspect(value)})`);
  return value;
}

function text(value: unknown, fallback: string, name: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || value === "") throw new TypeError(`${name} must be a non-empty string (got ${inspect(value)})`);
  return value;
}

export function resolveWireOptions(opts: StreamsWireOptions): ResolvedWireOptions {
  if (opts.useShardedPubSub) throw new TypeError("useShardedPubSub is not supported by @switchboard/redis-streams-adapter: leave it false");
  return {
    streamName: text(opts.streamName, "socket.io", "streamName"),
    streamCount: positiveInteger(opts.streamCount, 1, "streamCount"),
    channelPrefix: text(opts.channelPrefix, "socket.io", "channelPrefix"),
    maxLen: positiveInteger(opts.maxLen, 10_000, "maxLen"),
    onlyPlaintext: opts.onlyPlaintext === true,
    maxPendingPublishes: positiveInteger(opts.maxPendingPublishes, 10_000, "maxPendingPublishes"),
  };
}

/** Checks every option at once (a wrong one throws, naming it) and fills the defaults. */
export function resolveStreamsOptions(opts: RedisStreamsAdapterOptions): ResolvedStreamsOptions {
  return {
    ...resolveWireOptions(opts),
    readCount: positiveInteger(opts.readCount, 100, "readCount"),
    blockTimeInMs: positiveInteger(opts.blockTimeInMs, 5000, "blockTimeInMs"),
    sessionKeyPrefix: text(opts.sessionKeyPrefix, "sio:session:", "sessionKeyPrefix"),
    ...resolveClusterAdapterOptions(opts),
  };
}

/** The official adapter's string hash (namespaces are routed to streams with it). */
function hashCode(str: string): number {
  let hash = 0;
  for (let i = 0; i < str.length; i++) hash = (hash * 31 + str.charCodeAt(i)) | 0;
  return hash;
}

/** The stream of a namespace: routed as the official adapter routes it (a negative remainder included). */
export function streamOf(nsp: string, opts: Pick<ResolvedWireOptions, "streamName" | "streamCount">): string {
  return opts.streamCount === 1 ? opts.streamName : `${opts.streamName}-${hashCode(nsp) % opts.streamCount}`;
}

/** The pub/sub channels of a namespace: requests to every node, responses to one, and heartbeats. */
export function channelsOf(nsp: string, channelPrefix: string) {
  return {
    requests: `${channelPrefix}#${nsp}#`,
    responsesTo: (uid: string) => `${channelPrefix}#${nsp}#${uid}#`,
    // Only Switchboard nodes listen here: the count of the request channel minus this one's is the
    // number of nodes that answer requests without sending heartbeats.
    heartbeats: `${channelPrefix}-heartbeat#${nsp}#`,
  };
}
