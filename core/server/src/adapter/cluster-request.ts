import { ClusterAdapterError } from "./cluster-adapter-error.js";
import type { ClusterResponse, ServerId } from "./cluster-messages.js";
import type { PendingRequest } from "./pending-requests.js";

/** What one kind of request (fetchSockets, serverSideEmit, broadcast with acks) does with its answers. */
export interface RequestHandler {
  /** Takes a response of a node expected to answer; true once that node has said all it will say. */
  onAnswer(uid: ServerId, response: ClusterResponse): boolean;
  /** Every node answered, or left the cluster. */
  onComplete(): void;
  onFail(err: Error): void;
  /** A node left before it said all it would say. */
  onNodeGone?(uid: ServerId): void;
}

export interface RequestTiming {
  requestsTimeout: number;
  heartbeatTimeout: number;
  /** When a peer last showed life (undefined once it left). */
  lastHeard(uid: ServerId): number | undefined;
}

/**
 * One request to the other nodes, and who still has to answer it: the peers alive when it was
 * sent (known from their heartbeats), plus as many nodes without heartbeats (socket.io's own
 * nodes in a mixed cluster) as the broker counts.
 *
 * - A peer that dies is dropped from the request: it completes with the live nodes' answers.
 * - When `requestsTimeout` passes, the request fails if the broker never took it, never told how
 *   many nodes listen, or delivered it to fewer nodes than listen (`CLUSTER_UNREACHABLE`: after an
 *   outage, nodes resubscribe one by one), or if a node that got it and still shows life did not
 *   answer (`CLUSTER_REQUEST_TIMEOUT`). Peers that have been silent since before the request get until
 *   their liveness verdict (at most `heartbeatTimeout` more): a hung node fails nothing.
 * - It never completes without knowing who should answer: partial results are never passed off
 *   as complete.
 */
export class ClusterRequest implements PendingRequest<ClusterResponse> {
  private readonly sentAt = Date.now();
  private readonly missing: Set<ServerId>;
  /** Peers that were expected and are done (answered, or left): later words from them are ignored. */
  private readonly settled = new Set<ServerId>();
  private readonly peerCount: number;
  /** Nodes without heartbeats that answered, and whether they are done. */
  private readonly strangers = new Map<ServerId, boolean>();
  private silentNodes: number | undefined;
  private published = false;
  /** How many subscribers the broker delivered the request to (this node included), when it says. */
  private receivers: number | undefined;
  private overdue = false;
  private ended = false;

  constructor(
    peers: Iterable<ServerId>,
    private readonly handler: RequestHandler,
    private readonly timing: RequestTiming,
  ) {
    this.missing = new Set(peers);
    this.peerCount = this.missing.size;
  }

  /** How many other nodes this request addresses: the peers it started with, and the counted silent nodes. */
  get expectedNodes(): number {
    return this.peerCount + Math.max(this.silentNodes ?? 0, this.strangers.size);
  }

  /** The broker took the request; `receivers`: how many subscribers got it, this node included. */
  markPublished(receivers?: number): void {
    this.published = true;
    this.receivers = receivers;
  }

  /** The broker counted the nodes without heartbeats; true when that completes the request. */
  setSilentNodes(count: number): boolean {
    this.silentNodes = count;
    return this.check();
  }

  onResponse(response: ClusterResponse): boolean {
    const { uid } = response;
    if (this.missing.has(uid)) {
      if (this.handler.onAnswer(uid, response)) {
        this.missing.delete(uid);
        this.settled.add(uid);
      }
      return this.check();
    }
    if (this.settled.has(uid)) return false;
    const done = this.strangers.get(uid);
    if (done === undefined) {
      // A node that joined after the request was sent, beyond the counted silent ones: not expected.
      if (this.silentNodes !== undefined && this.strangers.size >= this.silentNodes) return false;
      if (this.timing.lastHeard(uid) !== undefined) return false;
    } else if (done) {
      return false;
    }
    this.strangers.set(uid, this.handler.onAnswer(uid, response));
    return this.check();
  }

  /** A peer left the cluster; true when that completes the request. */
  nodeGone(uid: ServerId): boolean {
    if (!this.missing.delete(uid)) return false;
    this.settled.add(uid);
    this.handler.onNodeGone?.(uid);
    return this.check();
  }

  onTimeout(): number | void {
    if (this.ended) return;
    if (this.silentNodes === undefined || (!this.published && this.expectedNodes > 0)) {
      return this.fail(new ClusterAdapterError("CLUSTER_UNREACHABLE", `the request could not reach the other nodes within ${this.timing.requestsTimeout} ms`));
    }
    const silentMissing = Math.max(0, this.silentNodes - this.strangers.size) + [...this.strangers.values()].filter((done) => !done).length;
    const alive = [...this.missing].filter((uid) => (this.timing.lastHeard(uid) ?? -Infinity) > this.sentAt);
    if (this.overdue || silentMissing > 0 || alive.length > 0) {
      const waiting = this.missing.size + silentMissing;
      // Nodes the broker never delivered the request to (they were resubscribing after an outage):
      // the cluster could not be reached, nobody failed to answer.
      if (this.receivers !== undefined && this.receivers < 1 + this.expectedNodes) {
        return this.fail(
          new ClusterAdapterError(
            "CLUSTER_UNREACHABLE",
            `Redis delivered the request to ${this.receivers} of ${1 + this.expectedNodes} subscriber(s) (this node included); ${waiting} node(s) did not answer`,
          ),
        );
      }
      return this.fail(
        new ClusterAdapterError("CLUSTER_REQUEST_TIMEOUT", `timeout reached: ${waiting} node(s) did not answer within ${this.timing.requestsTimeout} ms`),
      );
    }
    // Only peers silent since before the request are missing: wait for their verdict.
    this.overdue = true;
    return Math.max(1, this.sentAt + this.timing.requestsTimeout + this.timing.heartbeatTimeout - Date.now());
  }

  onAbort(err: Error): void {
    if (!this.ended) this.fail(err);
  }

  private fail(err: Error): void {
    this.ended = true;
    this.handler.onFail(err);
  }

  private check(): boolean {
    if (this.ended || this.silentNodes === undefined || this.missing.size > 0) return false;
    if (this.strangers.size < this.silentNodes) return false;
    for (const done of this.strangers.values()) if (!done) return false;
    this.ended = true;
    this.handler.onComplete();
    return true;
  }
}
