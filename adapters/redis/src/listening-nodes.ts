import createDebug from "debug";
import { ClusterAdapterError } from "@switchboard/server";
import type { RedisPubSub } from "./redis-pub-sub.js";

const debug = createDebug("switchboard:redis");

/** How often a request waiting for the other nodes to resubscribe asks Redis again. */
const RESUBSCRIBE_POLL_MS = 20;

const unreachable = (message: string, cause?: unknown): ClusterAdapterError =>
  new ClusterAdapterError("CLUSTER_UNREACHABLE", message, cause === undefined ? undefined : { cause });

/**
 * How many nodes a request must hear from, counted so that a partial count is never taken for
 * the whole cluster:
 *
 * - both connections must be ready, and this node's subscriber subscribed: a probe published on
 *   this node's own response channel (which only it listens on) must reach one subscriber, in the
 *   same pipeline as the count, so the count includes this node;
 * - after this node's subscriber reconnects (Redis restarted, or the network dropped), Redis has
 *   forgotten every subscription and the nodes come back one by one: for a grace period
 *   (`requestsTimeout`), a count below the one seen before the reconnection means "not back yet",
 *   not "gone". The count waits (asking again every few ms) until the nodes are back, the grace
 *   period ends, or the request's time runs out (`CLUSTER_UNREACHABLE`). A node that really died
 *   during the outage thus fails requests for at most the grace period.
 */
export class ListeningNodes {
  /** Nodes (this one included) of the last count taken outside a resubscription window. */
  private known: number | undefined;
  /** The count before the subscriber's reconnection, while the others may still be resubscribing. */
  private floor: number | undefined;
  private graceUntil = 0;
  /** Times the subscriber became ready, for requests to notice a reconnection while they wait. */
  reconnections = 0;
  private closed = false;

  constructor(
    private readonly pubsub: RedisPubSub,
    private readonly requestChannel: string,
    private readonly probeChannel: string,
    private readonly graceMs: number,
  ) {}

  /** The subscriber is (again) ready: the next counts may see nodes that have not resubscribed yet. */
  readonly onSubscriberReady = (): void => {
    this.reconnections++;
    if (this.known === undefined) return;
    this.floor = Math.max(this.floor ?? 0, this.known);
    this.graceUntil = Date.now() + this.graceMs;
    debug("subscriber ready again: expecting %d node(s) back within %d ms", this.floor, this.graceMs);
  };

  close(): void {
    this.closed = true;
  }

  /** Nodes listening on the request channel, this one included; rejects with `CLUSTER_UNREACHABLE`. */
  async count(timeoutMs: number, what: string, subscribed?: Promise<void>): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    // A request that starts within the grace period keeps its floor for its whole life: it never
    // answers for part of the cluster because the grace period ended while it waited.
    const floor = this.floor !== undefined && Date.now() < this.graceUntil ? this.floor : undefined;
    if (floor === undefined) this.floor = undefined;
    for (;;) {
      const listening = await this.countOnce(deadline, what, subscribed);
      if (floor === undefined || listening >= floor) {
        if (floor !== undefined) this.floor = undefined;
        this.known = listening;
        return listening;
      }
      if (this.closed || Date.now() + RESUBSCRIBE_POLL_MS >= deadline) {
        throw unreachable(`${what}: only ${listening} of the ${floor} node(s) seen before Redis reconnected have resubscribed`);
      }
      await new Promise((resolve) => setTimeout(resolve, RESUBSCRIBE_POLL_MS));
    }
  }

  /** `subscribed`: this node's first subscriptions, which a count made before they are done would miss. */
  private async countOnce(deadline: number, what: string, subscribed: Promise<void> = Promise.resolve()): Promise<number> {
    if (this.closed || !this.pubsub.isReady()) throw unreachable(`${what}: the Redis connection is not ready`);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(unreachable(`${what}: Redis did not answer within the request timeout`)), Math.max(1, deadline - Date.now()));
    });
    try {
      // Sent together on the publishing connection, so Redis runs them in this order.
      const [probed, listening] = await Promise.race([
        subscribed.then(() => Promise.all([this.pubsub.publish(this.probeChannel, "{}"), this.pubsub.numSub(this.requestChannel)])),
        late,
      ]);
      if (probed < 1) throw unreachable(`${what}: this node's subscriber is not subscribed (resubscribing after a reconnection?)`);
      return listening;
    } catch (err) {
      if (err instanceof ClusterAdapterError) throw err;
      throw unreachable(`${what}: Redis refused the request: ${(err as Error).message}`, err);
    } finally {
      clearTimeout(timer);
    }
  }
}
