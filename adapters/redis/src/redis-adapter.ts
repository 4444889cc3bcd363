import { randomBytes } from "node:crypto";
import createDebug from "debug";
import type { Packet } from "@switchboard/protocol";
import { Adapter, PendingRequests, describeSocket, fromWireOptions, toWireOptions, withTimeout } from "@switchboard/server";
import type { AdapterNamespace, AdapterSocket, BroadcastOptions, DescribedSocket, Room, SocketId } from "@switchboard/server";
import { decodeMsgpack, encodeMsgpack } from "./msgpack-codec.js";
import { RedisAdapterError } from "./redis-adapter-error.js";
import { createRedisPubSub, type RedisClient, type RedisPubSub } from "./redis-pub-sub.js";
import { RequestType, type WireBroadcast, type WireRequest, type WireResponse } from "./request-types.js";
import { parseMessage } from "./parse-message.js";

const debug = createDebug("switchboard:redis");

export interface RedisAdapterOptions {
  /** Prefix of every channel (default `"socket.io"`, as the official adapter). */
  key?: string;
  /** Milliseconds to wait for every node's answer to a request (default 5000). */
  requestsTimeout?: number;
  /** Answer requests on `<key>-response#<nsp>#<uid>#` instead of the shared response channel. */
  publishOnSpecificResponseChannel?: boolean;
}

const newId = (): string => randomBytes(6).toString("hex");

/**
 * The cluster adapter on Redis pub/sub, speaking the wire protocol of `@socket.io/redis-adapter`
 * 8.3, so Switchboard and socket.io nodes can share one Redis, and `@socket.io/redis-emitter`
 * reaches Switchboard clients. Local work is the in-memory adapter's; this class publishes what
 * other nodes must do and answers their requests.
 */
export class RedisAdapter extends Adapter {
  readonly uid = newId();
  readonly requestsTimeout: number;
  private readonly pubsub: RedisPubSub;
  private readonly channel: string;
  private readonly requestChannel: string;
  private readonly responseChannel: string;
  private readonly specificResponseChannel: string;
  private readonly publishOnSpecificResponseChannel: boolean;
  private readonly pending = new PendingRequests<WireResponse>();
  private closed = false;
  private subscribed: Promise<void> | undefined;
  private readonly onClientError = (err: Error): void => {
    debug("redis client error in %s: %s", this.nsp.name, err.message);
    // An 'error' event without listener would throw: only forward it to someone who listens.
    if (this.listenerCount("error") > 0) this.emit("error", err);
  };

  constructor(nsp: AdapterNamespace, pubClient: RedisClient, subClient: RedisClient, opts: RedisAdapterOptions = {}) {
    super(nsp);
    this.pubsub = createRedisPubSub(pubClient, subClient);
    this.requestsTimeout = opts.requestsTimeout ?? 5000;
    this.publishOnSpecificResponseChannel = opts.publishOnSpecificResponseChannel === true;
    const key = opts.key ?? "socket.io";
    this.channel = `${key}#${nsp.name}#`;
    this.requestChannel = `${key}-request#${nsp.name}#`;
    this.responseChannel = `${key}-response#${nsp.name}#`;
    this.specificResponseChannel = `${this.responseChannel}${this.uid}#`;
    this.pubsub.onError(this.onClientError);
  }

  /** Subscribes; the broadcast pattern goes first so that a node counted by NUMSUB receives broadcasts. */
  override init(): Promise<void> {
    this.subscribed ??= (async () => {
      await this.pubsub.pSubscribe(`${this.channel}*`, (channel, msg) => this.onBroadcast(channel, msg));
      await this.pubsub.subscribe([this.requestChannel, this.responseChannel, this.specificResponseChannel], (channel, msg) =>
        channel === this.requestChannel ? void this.onRequest(msg) : this.onResponse(msg),
      );
      debug("subscribed to %s* and the request/response channels", this.channel);
    })();
    return this.subscribed;
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pending.abortAll(new RedisAdapterError("REDIS_ADAPTER_CLOSED", "the adapter was closed before every node answered"));
    try {
      await this.subscribed;
      await this.pubsub.unsubscribeAll();
    } catch (err) {
      debug("unsubscribe failed: %s", (err as Error).message);
    } finally {
      this.pubsub.offError(this.onClientError);
    }
  }

  /** How many requests are waiting for answers (for leak checks). */
  get pendingRequests(): number {
    return this.pending.size;
  }

  /** Nodes listening on this namespace's request channel, this one included. */
  override serverCount(): Promise<number> {
    return withTimeout(
      this.pubsub.numSub(this.requestChannel),
      this.requestsTimeout,
      () => new RedisAdapterError("REDIS_REQUEST_TIMEOUT", "timeout reached while waiting for serverCount (Redis unreachable?)"),
    );
  }

  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    packet.nsp = this.nsp.name;
    if (!opts.flags?.local) {
      const msg = encodeMsgpack([this.uid, packet, toWireOptions(opts, true)]);
      const channel = opts.rooms.size === 1 ? `${this.channel}${[...opts.rooms][0]}#` : this.channel;
      this.publish(channel, msg);
    }
    super.broadcast(packet, opts);
  }

  override broadcastWithAck(
    packet: Packet,
    opts: BroadcastOptions,
    clientCountCallback: (clientCount: number) => void,
    ack: (...args: unknown[]) => void,
  ): void {
    packet.nsp = this.nsp.name;
    if (!opts.flags?.local) {
      const requestId = newId();
      // Encoded before the local broadcast gives the packet this node's ack id: each node picks its own.
      const request = encodeMsgpack({
        uid: this.uid,
        requestId,
        type: RequestType.BROADCAST,
        packet,
        opts: toWireOptions(opts, true),
      });
      // Acks keep arriving until the operation's timeout; then the entry simply goes away.
      this.pending.add(
        requestId,
        {
          onResponse: (response) => {
            if (response.type === RequestType.BROADCAST_CLIENT_COUNT) clientCountCallback(Number(response.clientCount) || 0);
            else if (response.type === RequestType.BROADCAST_ACK) ack(response.packet);
            return false;
          },
          onTimeout: () => {},
          onAbort: (err) => debug("broadcast with ack %s ended: %s", requestId, err.message),
        },
        opts.flags?.timeout ?? this.requestsTimeout,
      );
      this.publish(this.requestChannel, request, requestId);
    }
    super.broadcastWithAck(packet, opts, clientCountCallback, ack);
  }

  /** Ids of matching sockets on every node. */
  override async sockets(rooms: Set<Room>): Promise<Set<SocketId>> {
    const local = await super.sockets(rooms);
    const answers = await this.request<string[]>(
      RequestType.SOCKETS,
      { rooms: [...rooms] },
      (response) => (Array.isArray(response.sockets) ? (response.sockets as string[]) : undefined),
      "sockets",
    );
    for (const list of answers) for (const id of list) local.add(id);
    return local;
  }

  /** Every room of every node. */
  async allRooms(): Promise<Set<Room>> {
    const rooms = new Set(this.rooms.keys());
    const answers = await this.request<Room[]>(
      RequestType.ALL_ROOMS,
      {},
      (response) => (Array.isArray(response.rooms) ? response.rooms : undefined),
      "allRooms",
    );
    for (const list of answers) for (const room of list) rooms.add(room);
    return rooms;
  }

  override async fetchSockets(opts: BroadcastOptions): Promise<AdapterSocket[]> {
    const local = await super.fetchSockets(opts);
    if (opts.flags?.local) return local;
    const answers = await this.request<DescribedSocket[]>(
      RequestType.REMOTE_FETCH,
      { opts: toWireOptions(opts, false) },
      (response) => (Array.isArray(response.sockets) ? (response.sockets as DescribedSocket[]) : undefined),
      "fetchSockets",
    );
    // Remote sockets are plain details; the server wraps them in RemoteSocket.
    return [...local, ...(answers.flat() as unknown as AdapterSocket[])];
  }

  override addSockets(opts: BroadcastOptions, rooms: Room[]): void {
    if (!opts.flags?.local) this.publishRequest({ type: RequestType.REMOTE_JOIN, opts: toWireOptions(opts, false), rooms: [...rooms] });
    super.addSockets(opts, rooms);
  }

  override delSockets(opts: BroadcastOptions, rooms: Room[]): void {
    if (!opts.flags?.local) this.publishRequest({ type: RequestType.REMOTE_LEAVE, opts: toWireOptions(opts, false), rooms: [...rooms] });
    super.delSockets(opts, rooms);
  }

  override disconnectSockets(opts: BroadcastOptions, close: boolean): void {
    if (!opts.flags?.local) this.publishRequest({ type: RequestType.REMOTE_DISCONNECT, opts: toWireOptions(opts, false), close });
    super.disconnectSockets(opts, close);
  }

  override serverSideEmit(packet: unknown[]): void {
    const last = packet[packet.length - 1];
    if (typeof last !== "function") {
      this.publishRequest({ type: RequestType.SERVER_SIDE_EMIT, data: packet });
      return;
    }
    const ack = last as (err: Error | null, responses: unknown[]) => void;
    const data = packet.slice(0, -1);
    void this.serverSideEmitWithAck(data, ack);
  }

  private async serverSideEmitWithAck(data: unknown[], ack: (err: Error | null, responses: unknown[]) => void): Promise<void> {
    let expected: number;
    try {
      expected = (await this.serverCount()) - 1;
    } catch (err) {
      return ack(err as Error, []);
    }
    if (expected <= 0) return ack(null, []);
    const requestId = newId();
    const responses: unknown[] = [];
    this.pending.add(
      requestId,
      {
        onResponse: (response) => {
          if (response.type !== RequestType.SERVER_SIDE_EMIT) return false;
          responses.push(response.data);
          if (responses.length < expected) return false;
          ack(null, responses);
          return true;
        },
        onTimeout: () =>
          ack(
            new RedisAdapterError(
              "REDIS_REQUEST_TIMEOUT",
              `timeout reached: only ${responses.length} responses received out of ${expected}`,
            ),
            responses,
          ),
        onAbort: (err) => ack(err, responses),
      },
      this.requestsTimeout,
    );
    this.publish(this.requestChannel, JSON.stringify({ uid: this.uid, requestId, type: RequestType.SERVER_SIDE_EMIT, data }), requestId);
  }

  /**
   * Asks every other node and collects one answer from each; rejects with a timeout error when
   * some node stays silent for `requestsTimeout`.
   */
  private async request<T>(
    type: RequestType,
    body: Record<string, unknown>,
    pick: (response: WireResponse) => T | undefined,
    what: string,
  ): Promise<T[]> {
    const expected = (await this.serverCount()) - 1;
    if (expected <= 0) return [];
    const requestId = newId();
    return new Promise<T[]>((resolve, reject) => {
      const answers: T[] = [];
      this.pending.add(
        requestId,
        {
          onResponse: (response) => {
            const value = pick(response);
            if (value === undefined) return false;
            answers.push(value);
            if (answers.length < expected) return false;
            resolve(answers);
            return true;
          },
          onTimeout: () =>
            reject(
              new RedisAdapterError(
                "REDIS_REQUEST_TIMEOUT",
                `timeout reached while waiting for ${what} response (${answers.length} of ${expected} nodes answered)`,
              ),
            ),
          onAbort: reject,
        },
        this.requestsTimeout,
      );
      this.publish(this.requestChannel, JSON.stringify({ uid: this.uid, requestId, type, ...body }), requestId);
    });
  }

  private publishRequest(body: Record<string, unknown>): void {
    this.publish(this.requestChannel, JSON.stringify({ uid: this.uid, ...body }));
  }

  /** Publishes without throwing; a failure is reported, and fails the request it belonged to. */
  private publish(channel: string, message: string | Buffer, requestId?: string): void {
    if (this.closed) return void debug("closed: not publishing to %s", channel);
    this.pubsub.publish(channel, message).catch((err: Error) => {
      debug("publish to %s failed: %s", channel, err.message);
      const error = new RedisAdapterError("REDIS_PUBLISH_FAILED", `could not publish to ${channel}: ${err.message}`, { cause: err });
      if (requestId) this.pending.abort(requestId, error);
      this.onClientError(error);
    });
  }

  // ---- messages from other nodes ----

  private onBroadcast(channel: string, msg: Buffer): void {
    if (!channel.startsWith(this.channel)) return;
    const room = channel.slice(this.channel.length, -1);
    // Room channels reach every node: skip decoding when no local socket is in the room.
    if (room !== "" && !this.rooms.has(room)) return;
    let decoded: WireBroadcast;
    try {
      decoded = decodeMsgpack(msg) as WireBroadcast;
    } catch (err) {
      return void debug("ignoring malformed broadcast on %s: %s", channel, (err as Error).message);
    }
    if (!Array.isArray(decoded) || decoded.length < 3) return void debug("ignoring malformed broadcast on %s", channel);
    const [uid, packet, opts] = decoded;
    if (uid === this.uid) return;
    if (!packet || typeof packet !== "object") return void debug("ignoring broadcast without packet");
    if (packet.nsp === undefined) packet.nsp = "/";
    if (packet.nsp !== this.nsp.name) return void debug("ignoring broadcast for namespace %s", packet.nsp);
    try {
      super.broadcast(packet, fromWireOptions(opts));
    } catch (err) {
      debug("remote broadcast failed: %s", (err as Error).message);
    }
  }

  private async onRequest(msg: Buffer): Promise<void> {
    const request = parseMessage(msg);
    if (!request) return;
    // Our own requests come back to us: the local part was done when they were sent.
    if (request.uid === this.uid || (request.requestId !== undefined && this.pending.has(request.requestId))) return;
    try {
      await this.handleRequest(request);
    } catch (err) {
      debug("request of type %s failed: %s", request.type, (err as Error).message);
    }
  }

  private async handleRequest(request: WireRequest): Promise<void> {
    const { requestId } = request;
    switch (request.type) {
      case RequestType.SOCKETS: {
        const ids = await super.sockets(new Set(request.rooms ?? []));
        return this.respond(request, JSON.stringify({ requestId, sockets: [...ids] }));
      }
      case RequestType.ALL_ROOMS:
        return this.respond(request, JSON.stringify({ requestId, rooms: [...this.rooms.keys()] }));
      case RequestType.REMOTE_JOIN:
      case RequestType.REMOTE_LEAVE:
        return this.remoteJoinOrLeave(request);
      case RequestType.REMOTE_DISCONNECT:
        if (request.opts) return super.disconnectSockets(fromWireOptions(request.opts), request.close === true);
        return this.remoteDisconnectOne(request);
      case RequestType.REMOTE_FETCH: {
        const sockets = await super.fetchSockets(fromWireOptions(request.opts));
        return this.respond(request, JSON.stringify({ requestId, sockets: sockets.map(describeSocket) }));
      }
      case RequestType.SERVER_SIDE_EMIT:
        return this.remoteServerSideEmit(request);
      case RequestType.BROADCAST:
        return this.remoteBroadcastWithAck(request);
      default:
        debug("ignoring request of unknown type %s", request.type);
    }
  }

  private async remoteJoinOrLeave(request: WireRequest): Promise<void> {
    const join = request.type === RequestType.REMOTE_JOIN;
    if (request.opts) {
      const rooms = Array.isArray(request.rooms) ? request.rooms : [];
      return join ? super.addSockets(fromWireOptions(request.opts), rooms) : super.delSockets(fromWireOptions(request.opts), rooms);
    }
    const socket = request.sid ? this.nsp.sockets.get(request.sid) : undefined;
    if (!socket || request.room === undefined) return;
    await (join ? socket.join(request.room) : socket.leave(request.room));
    this.respond(request, JSON.stringify({ requestId: request.requestId }));
  }

  /** Single-socket form of older adapters: answered once done. */
  private remoteDisconnectOne(request: WireRequest): void {
    const socket = request.sid ? this.nsp.sockets.get(request.sid) : undefined;
    if (!socket) return;
    socket.disconnect(request.close === true);
    this.respond(request, JSON.stringify({ requestId: request.requestId }));
  }

  private remoteServerSideEmit(request: WireRequest): void {
    const data = Array.isArray(request.data) ? [...request.data] : [];
    if (typeof data[0] !== "string") return void debug("ignoring serverSideEmit without event name");
    if (request.requestId === undefined) return this.nsp._onServerSideEmit(data);
    let called = false;
    data.push((arg: unknown) => {
      // One answer per node, as the requester counts nodes.
      if (called) return;
      called = true;
      this.publish(this.responseChannel, JSON.stringify({ type: RequestType.SERVER_SIDE_EMIT, requestId: request.requestId, data: arg }));
    });
    this.nsp._onServerSideEmit(data);
  }

  private remoteBroadcastWithAck(request: WireRequest): void {
    const { requestId, packet } = request;
    if (!packet || typeof packet !== "object") return void debug("ignoring broadcast request without packet");
    packet.nsp = this.nsp.name;
    super.broadcastWithAck(
      packet,
      fromWireOptions(request.opts),
      (clientCount) => this.respond(request, JSON.stringify({ type: RequestType.BROADCAST_CLIENT_COUNT, requestId, clientCount })),
      (arg) => this.respond(request, encodeMsgpack({ type: RequestType.BROADCAST_ACK, requestId, packet: arg })),
    );
  }

  private respond(request: WireRequest, response: string | Buffer): void {
    const channel =
      this.publishOnSpecificResponseChannel && request.uid ? `${this.responseChannel}${request.uid}#` : this.responseChannel;
    this.publish(channel, response);
  }

  private onResponse(msg: Buffer): void {
    const response = parseMessage(msg);
    if (!response || typeof response.requestId !== "string") return;
    if (!this.pending.respond(response.requestId, response)) debug("ignoring response to request %s (not ours)", response.requestId);
  }
}
