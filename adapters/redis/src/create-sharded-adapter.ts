import type { AdapterNamespace } from "@switchboard/server";
import { ShardedRedisAdapter } from "./sharded-adapter.js";
import { resolveShardedOptions, type ShardedAdapterOptions } from "./sharded-options.js";
import { createShardedPubSub, type ShardedRedisClient } from "./sharded-pub-sub.js";

/**
 * Returns the adapter constructor for `io.adapter(...)`, on Redis 7 sharded pub/sub (a Redis
 * Cluster, or one server). Wire-compatible with `createShardedAdapter` of `@socket.io/redis-adapter`
 * 8.3. Throws at once on a wrong option or a client it cannot use (errors with a stable `code`).
 *
 * @example
 * const pubClient = createCluster({ rootNodes: [{ url: "redis://127.0.0.1:7000" }] });
 * const subClient = pubClient.duplicate();
 * await Promise.all([pubClient.connect(), subClient.connect()]);
 * io.adapter(createShardedAdapter(pubClient, subClient, { subscriptionMode: "dynamic" }));
 */
export function createShardedAdapter(
  pubClient: ShardedRedisClient,
  subClient: ShardedRedisClient,
  opts: ShardedAdapterOptions = {},
): new (nsp: AdapterNamespace) => ShardedRedisAdapter {
  const resolved = resolveShardedOptions(opts);
  const pubsub = createShardedPubSub(pubClient, subClient);
  // A plain function (not an arrow) so the server may call it with `new`.
  return function (nsp: AdapterNamespace) {
    return new ShardedRedisAdapter(nsp, pubsub, resolved);
  } as unknown as new (nsp: AdapterNamespace) => ShardedRedisAdapter;
}
