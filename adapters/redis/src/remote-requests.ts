import createDebug from "debug";
import { describeSocket, fromWireOptions } from "@switchboard/server";
import type { AdapterNamespace, AdapterSocket, BroadcastOptions, Room, SocketId } from "@switchboard/server";
import type { Packet } from "@switchboard/protocol";
import { encodeMsgpack } from "./msgpack-codec.js";
import { RequestType, type WireRequest } from "./request-types.js";

const debug = createDebug("switchboard:redis");

/** What this node does locally for another node's request: the in-memory adapter's operations. */
export interface LocalOperations {
  nsp: AdapterNamespace;
  rooms: Map<Room, Set<SocketId>>;
  sockets(rooms: Set<Room>): Promise<Set<SocketId>>;
  addSockets(opts: BroadcastOptions, rooms: Room[]): void;
  delSockets(opts: BroadcastOptions, rooms: Room[]): void;
  disconnectSockets(opts: BroadcastOptions, close: boolean): void;
  fetchSockets(opts: BroadcastOptions): Promise<AdapterSocket[]>;
  broadcastWithAck(packet: Packet, opts: BroadcastOptions, clientCountCallback: (count: number) => void, ack: (...args: unknown[]) => void): void;
}

/** How the answer goes back: on the requester's response channel (`respond`), or the shared one (`publishResponse`). */
export interface Answering {
  respond(request: WireRequest, response: string | Buffer): void;
  publishResponse(response: string): void;
}

/**
 * Carries out another node's request (the `@socket.io/redis-adapter` request types) on this node
 * and answers it.
 *
 * @example
 * await answerRequest(request, localOperations, { respond, publishResponse });
 */
export async function answerRequest(request: WireRequest, local: LocalOperations, answer: Answering): Promise<void> {
  const { requestId } = request;
  switch (request.type) {
    case RequestType.SOCKETS: {
      const ids = await local.sockets(new Set(request.rooms ?? []));
      return answer.respond(request, JSON.stringify({ requestId, sockets: [...ids] }));
    }
    case RequestType.ALL_ROOMS:
      return answer.respond(request, JSON.stringify({ requestId, rooms: [...local.rooms.keys()] }));
    case RequestType.REMOTE_JOIN:
    case RequestType.REMOTE_LEAVE:
      return joinOrLeave(request, local, answer);
    case RequestType.REMOTE_DISCONNECT:
      if (request.opts) return local.disconnectSockets(fromWireOptions(request.opts), request.close === true);
      return disconnectOne(request, local, answer);
    case RequestType.REMOTE_FETCH: {
      const sockets = await local.fetchSockets(fromWireOptions(request.opts));
      return answer.respond(request, JSON.stringify({ requestId, sockets: sockets.map(describeSocket) }));
    }
    case RequestType.SERVER_SIDE_EMIT:
      return serverSideEmit(request, local, answer);
    case RequestType.BROADCAST:
      return broadcastWithAck(request, local, answer);
    default:
      debug("ignoring request of unknown type %s", request.type);
  }
}

async function joinOrLeave(request: WireRequest, local: LocalOperations, answer: Answering): Promise<void> {
  const join = request.type === RequestType.REMOTE_JOIN;
  if (request.opts) {
    const rooms = Array.isArray(request.rooms) ? request.rooms : [];
    return join ? local.addSockets(fromWireOptions(request.opts), rooms) : local.delSockets(fromWireOptions(request.opts), rooms);
  }
  const socket = request.sid ? local.nsp.sockets.get(request.sid) : undefined;
  if (!socket || request.room === undefined) return;
  await (join ? socket.join(request.room) : socket.leave(request.room));
  answer.respond(request, JSON.stringify({ requestId: request.requestId }));
}

/** Single-socket form of older adapters: answered once done. */
function disconnectOne(request: WireRequest, local: LocalOperations, answer: Answering): void {
  const socket = request.sid ? local.nsp.sockets.get(request.sid) : undefined;
  if (!socket) return;
  socket.disconnect(request.close === true);
  answer.respond(request, JSON.stringify({ requestId: request.requestId }));
}

function serverSideEmit(request: WireRequest, local: LocalOperations, answer: Answering): void {
  const data = Array.isArray(request.data) ? [...request.data] : [];
  if (typeof data[0] !== "string") return void debug("ignoring serverSideEmit without event name");
  if (request.requestId === undefined) return local.nsp._onServerSideEmit(data);
  let called = false;
  data.push((arg: unknown) => {
    // One answer per node, as the requester counts nodes.
    if (called) return;
    called = true;
    answer.publishResponse(JSON.stringify({ type: RequestType.SERVER_SIDE_EMIT, requestId: request.requestId, data: arg }));
  });
  local.nsp._onServerSideEmit(data);
}

function broadcastWithAck(request: WireRequest, local: LocalOperations, answer: Answering): void {
  const { requestId, packet } = request;
  if (!packet || typeof packet !== "object") return void debug("ignoring broadcast request without packet");
  packet.nsp = local.nsp.name;
  local.broadcastWithAck(
    packet,
    fromWireOptions(request.opts),
    (clientCount) => answer.respond(request, JSON.stringify({ type: RequestType.BROADCAST_CLIENT_COUNT, requestId, clientCount })),
    (arg) => answer.respond(request, encodeMsgpack({ type: RequestType.BROADCAST_ACK, requestId, packet: arg })),
  );
}
