import { randomBytes } from "node:crypto";
import createDebug from "debug";
import type { Packet } from "@switchboard/protocol";
import { Adapter, ClusterAdapterError, PendingRequests, fromWireOptions, toWireOptions } from "@switchboard/server";
import type { AdapterNamespace, AdapterSocket, BroadcastOptions, DescribedSocket, Room, SocketId } from "@switchboard/server";
import { decodeMsgpack, encodeMsgpack } from "./msgpack-codec.js";
import { RedisAdapterError } from "./redis-adapter-error.js";
import { createRedisPubSub, type RedisClient, type RedisPubSub } from "./redis-pub-sub.js";
import { RequestType, type WireBroadcast, type WireRequest, type WireResponse } from "./request-types.js";
import { parseMessage } from "./parse-message.js";
import { ListeningNodes } from "./listening-nodes.js";
import { ECHO, RequestDelivery, type Incoming } from "./request-delivery.js";
import { answerRequest, type Answering, type LocalOperations } from "./remote-requests.js";

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
  private readonly pending = new PendingRequests<Incoming>();
  private readonly nodes: ListeningNodes;
  private closed = false;
  private subscribed: Promise<void> | undefined;
  /** This node's in-memory operations, for the requests of other nodes. */
  private readonly local: LocalOperations = {
    nsp: this.nsp,
    rooms: this.rooms,
    sockets: (rooms) => super.sockets(rooms),
    addSockets: (opts, rooms) => super.addSockets(opts, rooms),
    delSockets: (opts, rooms) => super.delSockets(opts, rooms),
    disconnectSockets: (opts, close) => super.disconnectSockets(opts, close),
    fetchSockets: (opts) => super.fetchSockets(opts),
    broadcastWithAck: (packet, opts, count, ack) => void super.broadcastWithAck(packet, opts, count, ack),
  };
  private readonly answering: Answering = {
    respond: (request, response) => this.respond(request, response),
    publishResponse: (response) => this.publish(this.responseChannel, response),
  };
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
    this.nodes = new ListeningNodes(this.pubsub, this.requestChannel, this.specificResponseChannel, this.requestsTimeout);
    this.pubsub.onError(this.onClientError);
    this.pubsub.onSubscriberReady(this.nodes.onSubscriberReady);
  }

  /** Subscribes; the broadcast pattern goes first so that a node counted by NUMSUB receives broadcasts. */
  override init(): Promise<void> {
    this.subscribed ??= (async () => {
      await this.pubsub.pSubscribe(`${this.channel}*`, (channel, msg) => this.onBroadcast(channel, msg));
      await this.pubsub.subscribe([this.requestChannel, this.responseChannel, this.specificResponseChannel], (channel, msg) =>
        channel === this.requestChannel ? void this.onRequest(msg) : this.onResponse(msg),
      );
      debug("subscribed to %s* and the request/response channels", this.channel);
      // The first count: what a Redis restart is compared with, even before any request.
      void this.nodes.count(this.requestsTimeout, "init", Promise.resolve()).catch((err: Error) => debug("first count failed: %s", err.message));
    })();
    return this.subscribed;
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.nodes.close();
    this.pending.abortAll(new RedisAdapterError("REDIS_ADAPTER_CLOSED", "the adapter was closed before every node answered"));
    try {
      await this.subscribed;
      await this.pubsub.unsubscribeAll();
    } catch (err) {
      debug("unsubscribe failed: %s", (err as Error).message);
    } finally {
      this.pubsub.offError(this.onClientError);
      this.pubsub.offSubscriberReady(this.nodes.onSubscriberReady);
    }
  }

  /** How many requests are waiting for answers (for leak checks). */
  get pendingRequests(): number {
    return this.pending.size;
  }

  /**
   * Nodes listening on this namespace's request channel, this one included; rejects with
   * `CLUSTER_UNREACHABLE` when Redis cannot tell (see {@link ListeningNodes}).
   */
  override serverCount(): Promise<number> {
    return this.countNodes(this.requestsTimeout, "serverCount");
  }

  /** Counts once this node's own subscriptions are done (a namespace created just now is still subscribing). */
  private countNodes(timeoutMs: number, what: string): Promise<number> {
    return this.nodes.count(timeoutMs, what, this.subscribed);
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

  /**
   * Resolves with the number of nodes that will report a client count (this one included) once
   * Redis delivered the request to all of them; rejects with `CLUSTER_UNREACHABLE` otherwise, so
   * the caller's acknowledgement fails instead of completing with this node's acks only.
   */
  override broadcastWithAck(
    packet: Packet,
    opts: BroadcastOptions,
    clientCountCallback: (clientCount: number) => void,
    ack: (...args: unknown[]) => void,
  ): Promise<number> {
    packet.nsp = this.nsp.name;
    if (opts.flags?.local) {
      // The local delivery is synchronous: its answers arrive through the callbacks.
      void super.broadcastWithAck(packet, opts, clientCountCallback, ack);
      return Promise.resolve(1);
    }
    const requestId = newId();
    // Encoded before the local broadcast gives the packet this node's ack id: each node picks its own.
    const request = encodeMsgpack({ uid: this.uid, requestId, type: RequestType.BROADCAST, packet, opts: toWireOptions(opts, true) });
    const timeout = opts.flags?.timeout ?? this.requestsTimeout;
    const servers = new Promise<number>((resolve, reject) => {
      this.countNodes(timeout, "broadcast with acks").then((listening) => {
        const delivery = new RequestDelivery(listening - 1, this.nodes);
        const settle = () => {
          const err = delivery.failure();
          if (err) reject(err);
          else if (delivery.delivered()) resolve(listening);
        };
        // Acks keep arriving until the operation's timeout; then the entry simply goes away.
        this.pending.add(
          requestId,
          {
            onResponse: (response) => {
              if (response === ECHO) delivery.echoed = true;
              else if (response.type === RequestType.BROADCAST_CLIENT_COUNT) clientCountCallback(Number(response.clientCount) || 0);
              else if (response.type === RequestType.BROADCAST_ACK) ack(response.packet);
              settle();
              return false;
            },
            onTimeout: () => reject(delivery.unreachable("broadcast with acks") ?? delivery.lost("broadcast with acks")),
            onAbort: (err) => {
              debug("broadcast with ack %s ended: %s", requestId, err.message);
              reject(err);
            },
          },
          timeout,
        );
        this.publish(this.requestChannel, request, requestId, delivery, settle);
      }, reject);
    });
    void super.broadcastWithAck(packet, opts, clientCountCallback, ack);
    return servers;
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

  private serverSideEmitWithAck(data: unknown[], ack: (err: Error | null, responses: unknown[]) => void): void {
    this.request<unknown>(
      RequestType.SERVER_SIDE_EMIT,
      { data },
      (response) => (response.type === RequestType.SERVER_SIDE_EMIT ? response.data : undefined),
      "serverSideEmit",
    ).then(
      (responses) => ack(null, responses),
      (err: Error & { responses?: unknown[] }) => ack(err, err.responses ?? []),
    );
  }

  /**
   * Asks every other node and collects one answer from each. Rejects with `CLUSTER_UNREACHABLE`
   * when Redis could not take the request to every node (connections down, this node or others
   * resubscribing, PUBLISH failed), with `REDIS_REQUEST_TIMEOUT` when some node got it and stayed
   * silent for `requestsTimeout`; the answers that did arrive are on the error's `responses`.
   */
  private async request<T>(type: RequestType, body: Record<string, unknown>, pick: (response: WireResponse) => T | undefined, what: string): Promise<T[]> {
    const expected = (await this.countNodes(this.requestsTimeout, what)) - 1;
    // The count proved this node subscribed: alone, there is nobody to ask.
    if (expected <= 0) return [];
    const requestId = newId();
    const delivery = new RequestDelivery(expected, this.nodes);
    return new Promise<T[]>((resolve, reject) => {
      const answers: T[] = [];
      const fail = (err: Error) => reject(Object.assign(err, { responses: answers }));
      // Complete once every node answered and Redis gave the request back to this node too.
      const complete = (): boolean => {
        const err = delivery.failure();
        if (err) fail(err);
        else if (answers.length >= expected && delivery.delivered()) resolve(answers);
        else return false;
        return true;
      };
      this.pending.add(
        requestId,
        {
          onResponse: (response) => {
            if (response === ECHO) delivery.echoed = true;
            else {
              const value = pick(response);
              if (value === undefined) return false;
              answers.push(value);
            }
            return complete();
          },
          onTimeout: () => fail(delivery.unreachable(what) ?? delivery.lost(what, answers.length)),
          onAbort: fail,
        },
        this.requestsTimeout,
      );
      this.publish(this.requestChannel, JSON.stringify({ uid: this.uid, requestId, type, ...body }), requestId, delivery, () => {
        if (complete()) this.pending.finish(requestId);
      });
    });
  }

  private publishRequest(body: Record<string, unknown>): void {
    this.publish(this.requestChannel, JSON.stringify({ uid: this.uid, ...body }));
  }

  /**
   * Publishes without throwing; a failure is reported, and fails the request it belonged to
   * (`CLUSTER_UNREACHABLE`). A request learns how many subscribers Redis delivered it to.
   */
  private publish(channel: string, message: string | Buffer, requestId?: string, delivery?: RequestDelivery, published?: () => void): void {
    if (this.closed) return void debug("closed: not publishing to %s", channel);
    this.pubsub.publish(channel, message).then(
      (receivers) => {
        if (!delivery) return;
        delivery.receivers = receivers;
        published?.();
      },
      (err: Error) => {
        debug("publish to %s failed: %s", channel, err.message);
        const error = new RedisAdapterError("REDIS_PUBLISH_FAILED", `could not publish to ${channel}: ${err.message}`, { cause: err });
        if (requestId)
          this.pending.abort(requestId, new ClusterAdapterError("CLUSTER_UNREACHABLE", `Redis did not take the request: ${err.message}`, { cause: err }));
        this.onClientError(error);
      },
    );
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
    // Our own requests come back to us: proof Redis took them to this node's subscriber too; the
    // local part was done when they were sent.
    if (request.requestId !== undefined && this.pending.has(request.requestId)) return void this.pending.respond(request.requestId, ECHO);
    if (request.uid === this.uid) return;
    try {
      await answerRequest(request, this.local, this.answering);
    } catch (err) {
      debug("request of type %s failed: %s", request.type, (err as Error).message);
    }
  }

  private respond(request: WireRequest, response: string | Buffer): void {
    const channel = this.publishOnSpecificResponseChannel && request.uid ? `${this.responseChannel}${request.uid}#` : this.responseChannel;
    this.publish(channel, response);
  }

  private onResponse(msg: Buffer): void {
    const response = parseMessage(msg);
    if (!response || typeof response.requestId !== "string") return;
    if (!this.pending.respond(response.requestId, response)) debug("ignoring response to request %s (not ours)", response.requestId);
  }
}
