/** Stable codes of the errors cluster adapters report. */
export type ClusterAdapterErrorCode =
  /** A live node did not answer a request within `requestsTimeout`. */
  | "CLUSTER_REQUEST_TIMEOUT"
  /** The request could not reach the other nodes (the broker did not take it, or did not answer). */
  | "CLUSTER_UNREACHABLE"
  /** The adapter closed before the request was complete. */
  | "CLUSTER_ADAPTER_CLOSED"
  /** The buffer of messages waiting for the broker is full: a broadcast reached this node's clients only. */
  | "CLUSTER_PUBLISH_BUFFER_FULL";

/** An error of a cluster adapter, with a stable `code`. */
export class ClusterAdapterError extends Error {
  constructor(
    readonly code: ClusterAdapterErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ClusterAdapterError";
  }
}
