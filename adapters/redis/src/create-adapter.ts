import type { AdapterNamespace } from "@switchboard/server";
import { RedisAdapter, type RedisAdapterOptions } from "./redis-adapter.js";
import type { RedisClient } from "./redis-pub-sub.js";

/**
 * Returns the adapter constructor for `io.adapter(...)`.
 *
 * @example
 * const pub = createClient({ url }); const sub = pub.duplicate();
 * await Promise.all([pub.connect(), sub.connect()]);
 * io.adapter(createAdapter(pub, sub, { key: "socket.io", requestsTimeout: 5000 }));
 */
export function createAdapter(pubClient: RedisClient, subClient: RedisClient, opts: RedisAdapterOptions = {}): new (nsp: AdapterNamespace) => RedisAdapter {
  // A plain function (not an arrow) so the server may call it with `new`.
  return function (nsp: AdapterNamespace) {
    return new RedisAdapter(nsp, pubClient, subClient, opts);
  } as unknown as new (nsp: AdapterNamespace) => RedisAdapter;
}
