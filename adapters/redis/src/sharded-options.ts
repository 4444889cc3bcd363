import { resolveClusterAdapterOptions, type ClusterAdapterOptions } from "@switchboard/server";

/**
 * Which shard channels a node listens to (the values of `@socket.io/redis-adapter`'s sharded adapter):
 *
 * - `"static"`: two channels per namespace (everything, and this node's responses);
 * - `"dynamic"` (default): plus one channel per public room with a member on this node; a
 *   broadcast to one such room is published on the room's channel and reaches only those nodes;
 * - `"dynamic-private"`: like `"dynamic"`, and socket-id rooms get their own channel too (for
 *   much one-to-one traffic, `io.to(socketId).emit(...)`).
 */
export type SubscriptionMode = "static" | "dynamic" | "dynamic-private";

export const SUBSCRIPTION_MODES: readonly SubscriptionMode[] = ["static", "dynamic", "dynamic-private"];

/** Options of {@link createShardedAdapter}: the official sharded adapter's, and the cluster adapter's. */
export interface ShardedAdapterOptions extends ClusterAdapterOptions {
  /** Prefix of every channel (default `"socket.io"`, as the official adapter). */
  channelPrefix?: string;
  /** Default `"dynamic"`. */
  subscriptionMode?: SubscriptionMode;
}

export type ResolvedShardedOptions = Required<ShardedAdapterOptions>;

/** A wrong option of `createShardedAdapter` (a programmer error, thrown at once). */
export class ShardedAdapterOptionError extends TypeError {
  readonly code = "REDIS_SHARDED_INVALID_OPTION";

  constructor(
    /** The option at fault. */
    readonly option: string,
    message: string,
  ) {
    super(message);
    this.name = "ShardedAdapterOptionError";
  }
}

const CLUSTER_OPTIONS = ["heartbeatInterval", "heartbeatTimeout", "requestsTimeout"] as const;

/** Checks the options (a wrong one throws, naming it) and fills the defaults. */
export function resolveShardedOptions(opts: ShardedAdapterOptions = {}): ResolvedShardedOptions {
  if (opts === null || typeof opts !== "object") throw new ShardedAdapterOptionError("opts", `the options must be an object (got ${String(opts)})`);
  const { channelPrefix = "socket.io", subscriptionMode = "dynamic" } = opts;
  if (typeof channelPrefix !== "string" || channelPrefix.length === 0) {
    throw new ShardedAdapterOptionError("channelPrefix", `channelPrefix must be a non-empty string (got ${String(channelPrefix)})`);
  }
  if (!SUBSCRIPTION_MODES.includes(subscriptionMode)) {
    throw new ShardedAdapterOptionError(
      "subscriptionMode",
      `subscriptionMode must be one of ${SUBSCRIPTION_MODES.join(", ")} (got ${String(subscriptionMode)})`,
    );
  }
  try {
    return { channelPrefix, subscriptionMode, ...resolveClusterAdapterOptions(opts) };
  } catch (err) {
    const message = (err as Error).message;
    const option = CLUSTER_OPTIONS.find((name) => message.startsWith(name)) ?? "opts";
    throw new ShardedAdapterOptionError(option, message);
  }
}
