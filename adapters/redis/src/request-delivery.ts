import { ClusterAdapterError } from "@switchboard/server";
import { RedisAdapterError } from "./redis-adapter-error.js";
import type { WireResponse } from "./request-types.js";

/** This node's own request, given back by Redis to its subscriber. */
export const ECHO = Symbol("echo");

/** What a pending request of the Redis adapter receives: answers, or its own echo. */
export type Incoming = WireResponse | typeof ECHO;

/**
 * What the adapter knows of one request's way through Redis, so that missing answers are blamed
 * on the right party: Redis (`CLUSTER_UNREACHABLE`: it did not take the request to every node
 * counted, or this node could not hear back) or a node that got it and stayed silent
 * (`REDIS_REQUEST_TIMEOUT`).
 */
export class RequestDelivery {
  /** This node's subscriber got the request back: it was subscribed when Redis delivered it. */
  echoed = false;
  /** How many subscribers Redis delivered the request to (this node included), once PUBLISH answered. */
  receivers: number | undefined;
  private readonly reconnectionsAtStart: number;

  constructor(
    /** Other nodes counted when the request was sent. */
    readonly expected: number,
    private readonly subscriber: { readonly reconnections: number },
  ) {
    this.reconnectionsAtStart = subscriber.reconnections;
  }

  /** Redis took the request to this node and to every node counted. */
  delivered(): boolean {
    return this.echoed && this.receivers !== undefined && this.receivers >= this.expected + 1;
  }

  /** An error as soon as it is certain some counted node never got the request. */
  failure(): ClusterAdapterError | undefined {
    if (this.receivers !== undefined && this.receivers < this.expected + 1) {
      return new ClusterAdapterError(
        "CLUSTER_UNREACHABLE",
        `Redis delivered the request to ${this.receivers} of the ${this.expected + 1} subscriber(s) counted (this node included)`,
      );
    }
    return undefined;
  }

  /** When time ran out: the error if Redis is the reason the answers are missing. */
  unreachable(what: string): ClusterAdapterError | undefined {
    const failed = this.failure();
    if (failed) return failed;
    if (this.receivers === undefined) return new ClusterAdapterError("CLUSTER_UNREACHABLE", `${what}: Redis did not confirm the request`);
    if (!this.echoed)
      return new ClusterAdapterError("CLUSTER_UNREACHABLE", `${what}: this node's subscriber did not get the request back (Redis connection lost?)`);
    if (this.subscriber.reconnections !== this.reconnectionsAtStart) {
      return new ClusterAdapterError("CLUSTER_UNREACHABLE", `${what}: this node's subscriber reconnected meanwhile; answers may have been lost`);
    }
    return undefined;
  }

  /** When time ran out and Redis delivered everything: some node did not answer. */
  lost(what: string, answered?: number): RedisAdapterError {
    if (answered === undefined) return new RedisAdapterError("REDIS_REQUEST_TIMEOUT", `timeout reached while waiting for ${what} responses`);
    // The messages of earlier versions, kept as they were.
    if (what === "serverSideEmit") {
      return new RedisAdapterError("REDIS_REQUEST_TIMEOUT", `timeout reached: only ${answered} responses received out of ${this.expected}`);
    }
    return new RedisAdapterError(
      "REDIS_REQUEST_TIMEOUT",
      `timeout reached while waiting for ${what} response (${answered} of ${this.expected} nodes answered)`,
    );
  }
}
