import createDebug from "debug";
import type { AdapterHandshake, AdapterSocket, Room, SocketId } from "./adapter-types.js";

const debug = createDebug("switchboard:adapter");

/** A socket as a cluster adapter sends it to the node that asked (`fetchSockets()`); the server wraps it in RemoteSocket. */
export interface DescribedSocket {
  id: SocketId;
  handshake: AdapterHandshake;
  rooms: Room[];
  data: unknown;
}

/** A local socket as it travels in an answer to `fetchSockets()`. */
export function describeSocket(socket: AdapterSocket): DescribedSocket {
  // Session stores (express-session...) may hold circular references: they stay home.
  const { sessionStore: _omit, ...handshake } = socket.handshake as AdapterHandshake & { sessionStore?: unknown };
  let data: unknown = socket.data;
  try {
    JSON.stringify(data);
  } catch (err) {
    debug("socket %s has data that JSON cannot carry: %s", socket.id, (err as Error).message);
    data = null;
  }
  return { id: socket.id, handshake, rooms: [...socket.rooms], data };
}
