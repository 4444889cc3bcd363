import { randomBytes } from "node:crypto";
import createDebug from "debug";
import { PacketType, type Packet } from "@switchboard/protocol";
import type { AdapterNamespace, AdapterSocket, BroadcastOptions, Room, SocketId } from "./adapter-types.js";
import { ClusterAdapterError } from "./cluster-adapter-error.js";
import { resolveClusterAdapterOptions, type ClusterAdapterOptions } from "./cluster-adapter-options.js";
import {
  MessageType,
  isResponse,
  type ClusterMessage,
  type ClusterResponse,
  type ServerId,
  type UnsentMessage,
  type UnsentResponse,
} from "./cluster-messages.js";
import { ClusterRequest, type RequestHandler } from "./cluster-request.js";
import { describeSocket } from "./describe-socket.js";
import { Adapter } from "./in-memory-adapter.js";
import { NodeLiveness } from "./node-liveness.js";
import { PendingRequests } from "./pending-requests.js";
import { collectAnswers, collectSockets, countAcks } from "./request-handlers.js";
import { fromWireOptions, toWireOptions, type WireOptions } from "./wire-options.js";
import { withTimeout } from "./with-timeout.js";

const debug = createDebug("switchboard:cluster");

const randomId = (): string => randomBytes(8).toString("hex");

/**
 * The base of cluster adapters that speak `socket.io-adapter`'s cluster protocol (message types,
 * heartbeats, requests and responses), whatever carries the messages. A subclass provides the
 * transport:
 *
 * - an ordered log (`publishOrdered`) for broadcasts, joins, leaves and disconnections: every node,
 *   this one included, applies them when it reads them back, so they happen in one order
 *   everywhere and each broadcast gets its log position as its recovery offset;
 * - a channel to every node for requests (`publishRequest`) and one for heartbeats
 *   (`publishHeartbeat`, which must come back to this node too), and one to a given node for
 *   responses (`publishResponse`);
 * - and calls `onMessage`, `onHeartbeat` and `onResponse` with what it receives.
 *
 * It knows its live peers from their heartbeats (see {@link NodeLiveness}); requests wait for the
 * live ones only (see {@link ClusterRequest}).
 */
export abstract class ClusterAdapter extends Adapter {
  readonly uid: ServerId = randomId();
  readonly heartbeatInterval: number;
  readonly heartbeatTimeout: number;
  readonly requestsTimeout: number;
  protected readonly liveness: NodeLiveness;
  protected closed = false;
  private readonly requests = new PendingRequests<ClusterResponse>();
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(nsp: AdapterNamespace, opts: ClusterAdapterOptions = {}) {
    super(nsp);
    ({
      heartbeatInterval: this.heartbeatInterval,
      heartbeatTimeout: this.heartbeatTimeout,
      requestsTimeout: this.requestsTimeout,
    } = resolveClusterAdapterOptions(opts));
    this.liveness = new NodeLiveness(this, (uid) => {
      debug("[%s] node %s is silent for %d ms: dead", this.uid, uid, this.heartbeatTimeout);
      this.nodeGone(uid);
    });
  }

  // ---- the transport, provided by subclasses ----

  /**
   * Appends a message to the cluster's ordered log; this node applies it when it comes back
   * through `onMessage`. Encodes it before returning. Returns false when the message could not be
   * taken: the adapter then applies it to this node's sockets at once. Never throws.
   */
  protected abstract publishOrdered(message: ClusterMessage): boolean;
  /**
   * Sends a request to every node at once; encodes it before returning, resolves once the broker
   * took it, with how many subscribers got it (this node included) when the broker says.
   */
  protected abstract publishRequest(message: ClusterMessage): Promise<number | void>;
  /** Sends a heartbeat to every node, this one included. */
  protected abstract publishHeartbeat(message: ClusterMessage): Promise<void>;
  protected abstract publishResponse(requesterUid: ServerId, response: ClusterResponse): Promise<void>;
  /**
   * False (a log): this node's ordered messages come back through `onMessage` and are applied
   * then, in the log's order. True (pub/sub, where a message on a channel this node does not
   * listen to never comes back): they are applied when sent and their echo is ignored.
   */
  protected appliesOwnMessagesAtOnce(): boolean {
    return false;
  }
  /** How many nodes answer requests without sending heartbeats (socket.io's own nodes in a mixed cluster). */
  protected countSilentNodes(): Promise<number> {
    return Promise.resolve(0);
  }

  /** How many requests of this node wait for answers (for leak checks). */
  get pendingRequests(): number {
    return this.requests.size;
  }

  /** The peers this node believes alive. */
  get liveNodes(): ServerId[] {
    return this.liveness.alive;
  }

  /** Starts the heartbeats; subclasses call it once they receive messages. */
  protected startHeartbeats(): void {
    if (this.closed || this.heartbeatTimer) return;
    // sendHeartbeat logs its own failures.
    void this.sendHeartbeat(MessageType.INITIAL_HEARTBEAT);
    this.heartbeatTimer = setInterval(() => void this.sendHeartbeat(MessageType.HEARTBEAT), this.heartbeatInterval);
    this.heartbeatTimer.unref();
  }

  private sendHeartbeat(type: typeof MessageType.INITIAL_HEARTBEAT | typeof MessageType.HEARTBEAT | typeof MessageType.ADAPTER_CLOSE): Promise<void> {
    return this.publishHeartbeat(this.stamp({ type })).catch((err: Error) => debug("[%s] heartbeat not sent: %s", this.uid, err.message));
  }

  /** Stops the heartbeats, says goodbye to the peers and fails the pending requests. */
  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeatTimer);
    this.liveness.close();
    this.requests.abortAll(new ClusterAdapterError("CLUSTER_ADAPTER_CLOSED", "the adapter was closed before every node answered"));
    // Peers drop this node at once instead of waiting for its silence; bounded when the broker is away.
    await withTimeout(this.sendHeartbeat(MessageType.ADAPTER_CLOSE), this.requestsTimeout, () => new Error("goodbye not sent")).catch(() => undefined);
  }

  /** Reports an error on the adapter's `error` event, when someone listens (an unheard `error` would throw). */
  protected reportError(err: Error): void {
    debug("[%s] %s", this.uid, err.message);
    if (this.listenerCount("error") > 0) this.emit("error", err);
  }

  protected stamp<M extends UnsentMessage>(message: M): M & { uid: ServerId; nsp: string } {
    return { ...message, uid: this.uid, nsp: this.nsp.name };
  }

  /** Nodes of the namespace: this one, its live peers and the counted nodes without heartbeats. */
  override async serverCount(): Promise<number> {
    const silent = await withTimeout(this.countSilentNodes(), this.requestsTimeout, () => this.unreachable("serverCount"));
    return 1 + this.liveness.size + silent;
  }

  private unreachable(what: string): ClusterAdapterError {
    return new ClusterAdapterError("CLUSTER_UNREACHABLE", `${what}: the broker did not answer within ${this.requestsTimeout} ms`);
  }

  // ---- operations of this node ----

  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    packet.nsp = this.nsp.name;
    if (opts.flags?.local) return super.broadcast(packet, opts);
    const message = this.stamp({ type: MessageType.BROADCAST, data: { packet, opts: toWireOptions(opts, true) } });
    if (!this.publishOrdered(message) || this.appliesOwnMessagesAtOnce()) super.broadcast(packet, opts);
  }

  override addSockets(opts: BroadcastOptions, rooms: Room[]): void {
    if (
      opts.flags?.local ||
      !this.publishOrdered(this.stamp({ type: MessageType.SOCKETS_JOIN, data: { opts: toWireOptions(opts, true), rooms } })) ||
      this.appliesOwnMessagesAtOnce()
    ) {
      super.addSockets(opts, rooms);
    }
  }

  override delSockets(opts: BroadcastOptions, rooms: Room[]): void {
    if (
      opts.flags?.local ||
      !this.publishOrdered(this.stamp({ type: MessageType.SOCKETS_LEAVE, data: { opts: toWireOptions(opts, true), rooms } })) ||
      this.appliesOwnMessagesAtOnce()
    ) {
      super.delSockets(opts, rooms);
    }
  }

  override disconnectSockets(opts: BroadcastOptions, close: boolean): void {
    if (
      opts.flags?.local ||
      !this.publishOrdered(this.stamp({ type: MessageType.DISCONNECT_SOCKETS, data: { opts: toWireOptions(opts, true), close } })) ||
      this.appliesOwnMessagesAtOnce()
    ) {
      super.disconnectSockets(opts, close);
    }
  }

  /**
   * Broadcasts with acks: each other node reports its client count once it has every ack of its
   * clients (or once it died, with the acks it had), so the caller's count always adds up.
   * Resolves with the number of nodes that will report, this one included.
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
    const requestId = randomId();
    const handler = countAcks(clientCountCallback, ack, (err) => debug("[%s] broadcast with acks %s ended: %s", this.uid, requestId, err.message));
    // Published (encoded) before the local broadcast gives the packet this node's ack id.
    const expected = this.request(
      requestId,
      { type: MessageType.BROADCAST, data: { packet, opts: toWireOptions(opts, true), requestId } },
      handler,
      opts.flags?.timeout ?? this.requestsTimeout,
    );
    void super.broadcastWithAck(packet, opts, clientCountCallback, ack);
    return expected.then((others) => others + 1);
  }

  override async fetchSockets(opts: BroadcastOptions): Promise<AdapterSocket[]> {
    const local = await super.fetchSockets(opts);
    if (opts.flags?.local) return local;
    const found: unknown[] = [...local];
    await new Promise<void>((resolve, reject) => {
      const requestId = randomId();
      const message = { type: MessageType.FETCH_SOCKETS, data: { opts: toWireOptions(opts, true), requestId } } as const;
      // Failures reach the handler: the count's own rejection has nothing to add.
      this.request(requestId, message, collectSockets(found, resolve, reject), opts.flags?.timeout ?? this.requestsTimeout).catch(() => undefined);
    });
    // Remote sockets are plain details; the server wraps them in RemoteSocket.
    return found as AdapterSocket[];
  }

  /** Ids of matching sockets on every node. */
  override async sockets(rooms: Set<Room>): Promise<Set<SocketId>> {
    const sockets = await this.fetchSockets({ rooms, except: new Set() });
    return new Set(sockets.map((socket) => socket.id));
  }

  override serverSideEmit(packet: unknown[]): void {
    const last = packet[packet.length - 1];
    if (typeof last !== "function") {
      this.publishRequest(this.stamp({ type: MessageType.SERVER_SIDE_EMIT, data: { packet } })).catch((err: Error) =>
        this.reportError(new ClusterAdapterError("CLUSTER_UNREACHABLE", `serverSideEmit not published: ${err.message}`, { cause: err })),
      );
      return;
    }
    const ack = last as (err: Error | null, responses: unknown[]) => void;
    const requestId = randomId();
    const message = { type: MessageType.SERVER_SIDE_EMIT, data: { packet: packet.slice(0, -1), requestId } } as const;
    // Failures reach the handler (the ack): the count's own rejection has nothing to add.
    this.request(requestId, message, collectAnswers(ack), this.requestsTimeout).catch(() => undefined);
  }

  /**
   * Sends a request and tracks it; resolves with the number of other nodes it addresses once the
   * broker counted them, rejects if the request fails first. Not reaching the broker (no count
   * within `requestsTimeout`, or the publication refused) fails it with `CLUSTER_UNREACHABLE`.
   */
  private request(requestId: string, message: UnsentMessage, handler: RequestHandler, timeoutMs: number): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const request = new ClusterRequest(
        this.liveness.alive,
        {
          ...handler,
          onFail: (err) => {
            reject(err);
            handler.onFail(err);
          },
        },
        { requestsTimeout: timeoutMs, heartbeatTimeout: this.heartbeatTimeout, lastHeard: (uid) => this.liveness.lastHeard(uid) },
      );
      if (this.closed) return request.onAbort(new ClusterAdapterError("CLUSTER_ADAPTER_CLOSED", "the adapter is closed"));
      this.requests.add(requestId, request, timeoutMs);
      const unreachable = (what: string) => (err: Error) =>
        this.requests.abort(
          requestId,
          err instanceof ClusterAdapterError ? err : new ClusterAdapterError("CLUSTER_UNREACHABLE", `${what}: ${err.message}`, { cause: err }),
        );
      this.publishRequest(this.stamp(message)).then(
        (receivers) => request.markPublished(receivers ?? undefined),
        unreachable("the request could not be published"),
      );
      withTimeout(this.countSilentNodes(), Math.min(timeoutMs, this.requestsTimeout), () => this.unreachable("counting the nodes")).then((count) => {
        if (request.setSilentNodes(count)) this.requests.finish(requestId);
        resolve(request.expectedNodes);
      }, unreachable("the nodes could not be counted"));
    });
  }

  // ---- messages from the cluster ----

  /** A heartbeat (or goodbye) from a node, this one included. */
  protected onHeartbeat(message: ClusterMessage): void {
    if (message.nsp !== this.nsp.name || this.closed) return;
    if (message.uid === this.uid) {
      if (message.type !== MessageType.ADAPTER_CLOSE) this.liveness.selfHeartbeat();
      return;
    }
    switch (message.type) {
      case MessageType.INITIAL_HEARTBEAT:
        this.liveness.heartbeat(message.uid);
        // The newcomer learns of this node now rather than one interval later.
        void this.sendHeartbeat(MessageType.HEARTBEAT);
        return;
      case MessageType.HEARTBEAT:
        this.liveness.heartbeat(message.uid);
        return;
      case MessageType.ADAPTER_CLOSE:
        debug("[%s] node %s closed", this.uid, message.uid);
        this.nodeGone(message.uid);
        return;
      default:
        this.liveness.touch(message.uid);
    }
  }

  private nodeGone(uid: ServerId): void {
    this.liveness.remove(uid);
    this.requests.settle((request) => (request as ClusterRequest).nodeGone(uid));
  }

  /**
   * A message from the log (with its position as `offset`) or a request from another node.
   * Messages of this node come back here too: the ordered ones are applied now.
   */
  protected onMessage(message: ClusterMessage | ClusterResponse, offset?: string): void {
    if (message.nsp !== this.nsp.name || this.closed) return;
    if (isResponse(message)) return this.onResponse(message);
    const own = message.uid === this.uid;
    // Applied when sent (see appliesOwnMessagesAtOnce); requests of this node are never answered by it.
    if (own && this.appliesOwnMessagesAtOnce()) return;
    if (!own) this.liveness.touch(message.uid);
    try {
      switch (message.type) {
        case MessageType.BROADCAST: {
          const { packet, opts, requestId } = message.data;
          if (!packet || typeof packet !== "object") return debug("[%s] broadcast without packet", this.uid);
          if (requestId === undefined) return this.deliverBroadcast(packet, fromWireOptions(opts), offset);
          if (!own) this.answerBroadcastWithAck(message.uid, requestId, packet, opts);
          return;
        }
        case MessageType.SOCKETS_JOIN:
          return this.deliverJoin(fromWireOptions(message.data.opts), roomList(message.data.rooms), offset);
        case MessageType.SOCKETS_LEAVE:
          return this.deliverLeave(fromWireOptions(message.data.opts), roomList(message.data.rooms), offset);
        case MessageType.DISCONNECT_SOCKETS:
          return super.disconnectSockets(fromWireOptions(message.data.opts), message.data.close === true);
        case MessageType.FETCH_SOCKETS:
          if (!own && typeof message.data.requestId === "string") void this.answerFetchSockets(message.uid, message.data.requestId, message.data.opts);
          return;
        case MessageType.SERVER_SIDE_EMIT:
          if (!own) this.answerServerSideEmit(message.uid, message.data.packet, message.data.requestId);
          return;
        default:
          debug("[%s] ignoring message of type %s", this.uid, message.type);
      }
    } catch (err) {
      debug("[%s] message of type %s from %s failed: %s", this.uid, message.type, message.uid, (err as Error).message);
    }
  }

  protected onResponse(response: ClusterResponse): void {
    if (response.uid === this.uid || typeof response.data.requestId !== "string") return;
    this.liveness.touch(response.uid);
    if (!this.requests.respond(response.data.requestId, response)) debug("[%s] response to %s: not ours, or late", this.uid, response.data.requestId);
  }

  /** Applies a broadcast of the log to this node's sockets; `offset` is its recovery offset. */
  protected deliverBroadcast(packet: Packet, opts: BroadcastOptions, offset: string | undefined): void {
    packet.nsp = this.nsp.name;
    if (offset !== undefined && this.isRecoverable(packet, opts)) (packet.data as unknown[]).push(offset);
    super.broadcast(packet, opts);
  }

  /** Applies a join of the log to this node's sockets (`offset`: its log position). */
  protected deliverJoin(opts: BroadcastOptions, rooms: Room[], _offset: string | undefined): void {
    super.addSockets(opts, rooms);
  }

  /** Applies a leave of the log to this node's sockets. */
  protected deliverLeave(opts: BroadcastOptions, rooms: Room[], _offset: string | undefined): void {
    super.delSockets(opts, rooms);
  }

  /** Whether clients get this packet's offset and may have it replayed (a plain, non-volatile event). */
  protected isRecoverable(packet: Packet, opts: BroadcastOptions): boolean {
    return (
      !!this.nsp.server.opts?.connectionStateRecovery &&
      packet.type === PacketType.EVENT &&
      packet.id === undefined &&
      !opts.flags?.volatile &&
      Array.isArray(packet.data)
    );
  }

  private respond(requesterUid: ServerId, response: UnsentResponse): void {
    this.publishResponse(requesterUid, { ...response, uid: this.uid, nsp: this.nsp.name }).catch((err: Error) =>
      debug("[%s] response to %s not sent: %s", this.uid, requesterUid, err.message),
    );
  }

  private answerBroadcastWithAck(requester: ServerId, requestId: string, packet: Packet, opts: WireOptions): void {
    packet.nsp = this.nsp.name;
    void super.broadcastWithAck(
      packet,
      fromWireOptions(opts),
      (clientCount) => this.respond(requester, { type: MessageType.BROADCAST_CLIENT_COUNT, data: { requestId, clientCount } }),
      (arg) => this.respond(requester, { type: MessageType.BROADCAST_ACK, data: { requestId, packet: arg } }),
    );
  }

  private async answerFetchSockets(requester: ServerId, requestId: string, opts: WireOptions): Promise<void> {
    const sockets = await super.fetchSockets(fromWireOptions(opts));
    this.respond(requester, { type: MessageType.FETCH_SOCKETS_RESPONSE, data: { requestId, sockets: sockets.map(describeSocket) } });
  }

  private answerServerSideEmit(requester: ServerId, packet: unknown[], requestId: string | undefined): void {
    const data = Array.isArray(packet) ? [...packet] : [];
    if (typeof data[0] !== "string") return debug("[%s] serverSideEmit without event name", this.uid);
    if (requestId === undefined) return this.nsp._onServerSideEmit(data);
    let called = false;
    data.push((arg: unknown) => {
      // One answer per node: the requester counts nodes.
      if (called) return;
      called = true;
      this.respond(requester, { type: MessageType.SERVER_SIDE_EMIT_RESPONSE, data: { requestId, packet: arg } });
    });
    this.nsp._onServerSideEmit(data);
  }
}

function roomList(rooms: unknown): Room[] {
  return Array.isArray(rooms) ? rooms.filter((room): room is Room => typeof room === "string") : [];
}
