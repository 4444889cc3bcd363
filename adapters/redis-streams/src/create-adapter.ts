import type { AdapterNamespace } from "@switchboard/server";
import type { RedisStreamsClient } from "./redis-connection.js";
import { RedisStreamsAdapter } from "./redis-streams-adapter.js";
import { resolveStreamsOptions, type RedisStreamsAdapterOptions } from "./streams-options.js";
import { StreamsTransport } from "./streams-transport.js";

/**
 * Returns the adapter constructor for `io.adapter(...)`. The namespaces of one `createAdapter()`
 * share the client for commands, plus one duplicate connection for pub/sub and one per stream for
 * reading (opened with the first namespace, closed with the last). Throws at once on a wrong option.
 *
 * @example
 * const redisClient = createClient({ url: "redis://localhost:6379" });
 * await redisClient.connect();
 * const io = new Server(httpServer, { connectionStateRecovery: {} });
 * io.adapter(createAdapter(redisClient, { heartbeatInterval: 5000, heartbeatTimeout: 10000 }));
 */
export function createAdapter(redisClient: RedisStreamsClient, opts: RedisStreamsAdapterOptions = {}): new (nsp: AdapterNamespace) => RedisStreamsAdapter {
  const resolved = resolveStreamsOptions(opts);
  const transport = new StreamsTransport(redisClient, resolved);
  // A plain function (not an arrow) so the server may call it with `new`.
  return function (nsp: AdapterNamespace) {
    return new RedisStreamsAdapter(nsp, transport);
  } as unknown as new (nsp: AdapterNamespace) => RedisStreamsAdapter;
}
