import { MessageType, type ServerId } from "./cluster-messages.js";
import type { RequestHandler } from "./cluster-request.js";

/** `fetchSockets`: each node answers once with its matching sockets. */
export function collectSockets(found: unknown[], done: () => void, fail: (err: Error) => void): RequestHandler {
  return {
    onAnswer: (_uid, response) => {
      if (response.type !== MessageType.FETCH_SOCKETS_RESPONSE || !Array.isArray(response.data.sockets)) return false;
      for (const socket of response.data.sockets) if (socket && typeof socket.id === "string") found.push(socket);
      return true;
    },
    onComplete: done,
    onFail: fail,
  };
}

/** `serverSideEmit` with an acknowledgement: each node answers once; `ack` gets every answer, or the error and the answers so far. */
export function collectAnswers(ack: (err: Error | null, responses: unknown[]) => void): RequestHandler {
  const responses: unknown[] = [];
  return {
    onAnswer: (_uid, response) => {
      if (response.type !== MessageType.SERVER_SIDE_EMIT_RESPONSE) return false;
      responses.push(response.data.packet);
      return true;
    },
    onComplete: () => ack(null, responses),
    onFail: (err) => ack(err, responses),
  };
}

/**
 * A broadcast with acks: each node says how many of its clients got it, then their acks come one
 * by one. The acks go to `ack` at once; the node's count goes to `clientCountCallback` once it has
 * all its acks, or once it died with those it had: whatever happens, the caller's arithmetic (one
 * count per node, as many acks as counted) adds up.
 */
export function countAcks(clientCountCallback: (clientCount: number) => void, ack: (...args: unknown[]) => void, onEnd: (err: Error) => void): RequestHandler {
  const nodes = new Map<ServerId, { count: number | undefined; acks: number }>();
  const node = (uid: ServerId) => nodes.get(uid) ?? nodes.set(uid, { count: undefined, acks: 0 }).get(uid)!;
  return {
    onAnswer: (uid, response) => {
      const state = node(uid);
      if (response.type === MessageType.BROADCAST_CLIENT_COUNT) state.count = Number(response.data.clientCount) || 0;
      else if (response.type === MessageType.BROADCAST_ACK) {
        state.acks++;
        ack(response.data.packet);
      } else return false;
      if (state.count === undefined || state.acks < state.count) return false;
      clientCountCallback(state.count);
      return true;
    },
    onNodeGone: (uid) => clientCountCallback(node(uid).acks),
    onComplete: () => undefined,
    onFail: onEnd,
  };
}
