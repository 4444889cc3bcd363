import createDebug from "debug";
import { SOCKET_PROTOCOL, type DefaultEventsMap, type EventsMap } from "@switchboard/protocol";
import { Manager, type ManagerOptions } from "./manager.js";
import type { Socket, SocketOptions } from "./socket.js";
import { parseUrl } from "./url.js";

const debug = createDebug("switchboard:client");

const cache: Record<string, Manager> = {};

export type IoOptions = Partial<ManagerOptions & SocketOptions> & { "force new connection"?: boolean };

/**
 * Connects to a namespace: the URL's path is the namespace, its query is sent with the handshake.
 * Sockets to the same origin share one Manager (one connection) unless `forceNew` or
 * `multiplex: false` is given, or the namespace is already open on it.
 *
 * @example
 * const socket = io("http://localhost:3000/admin", { auth: { token: "abc" } });
 */
function lookup<L extends EventsMap = DefaultEventsMap, E extends EventsMap = L>(opts?: IoOptions): Socket<L, E>;
function lookup<L extends EventsMap = DefaultEventsMap, E extends EventsMap = L>(uri?: string, opts?: IoOptions): Socket<L, E>;
function lookup<L extends EventsMap = DefaultEventsMap, E extends EventsMap = L>(uri?: string | IoOptions, opts?: IoOptions): Socket<L, E> {
  if (typeof uri === "object") {
    opts = uri;
    uri = undefined;
  }
  const options: IoOptions = { ...(opts ?? {}) };
  const parsed = parseUrl(uri, options.path ?? "/socket.io");
  const id = parsed.id;
  const sameNamespace = !!cache[id] && parsed.path in cache[id].nsps;
  const newConnection = options.forceNew || options["force new connection"] || options.multiplex === false || sameNamespace;
  if (parsed.query && !options.query) options.query = parsed.query as never;
  let manager: Manager;
  if (newConnection) {
    debug("new connection to %s", parsed.source);
    manager = new Manager(parsed.source, options);
  } else {
    if (!cache[id]) {
      debug("new manager for %s", id);
      cache[id] = new Manager(parsed.source, options);
    }
    manager = cache[id];
  }
  return manager.socket(parsed.path, options);
}

/** `io()` with the properties socket.io-client puts on it. */
export const io = Object.assign(lookup, {
  protocol: SOCKET_PROTOCOL,
  Manager,
  connect: lookup,
});
