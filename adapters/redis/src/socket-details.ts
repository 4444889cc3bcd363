import createDebug from "debug";
import type { AdapterSocket, Room, SocketId } from "@switchboard/server";

const debug = createDebug("switchboard:redis");

/** A socket as it travels in a REMOTE_FETCH answer (the server wraps it in RemoteSocket). */
export interface SocketDetails {
  id: SocketId;
  handshake: unknown;
  rooms: Room[];
  data: unknown;
}

/** A local socket as it travels in a REMOTE_FETCH answer. */
export function describeSocket(socket: AdapterSocket): SocketDetails {
  // Session stores (express-session...) may hold circular references: they stay home.
  const { sessionStore: _omit, ...handshake } = socket.handshake as AdapterSocket["handshake"] & { sessionStore?: unknown };
  let data: unknown = socket.data;
  try {
    JSON.stringify(data);
  } catch (err) {
    debug("socket %s has data that JSON cannot carry: %s", socket.id, (err as Error).message);
    data = null;
  }
  return { id: socket.id, handshake, rooms: [...socket.rooms], data };
}

