import type { WireResponse } from "./request-types.js";

/** What the adapter does with the answers to one request of its own. */
export interface PendingRequest {
  /** Takes one response; answers true once the request has everything it waits for. */
  onResponse(response: WireResponse): boolean;
  /** `requestsTimeout` passed before the request was complete. */
  onTimeout(): void;
  /** The adapter closed or the request could not be published. */
  onAbort(err: Error): void;
}

/**
 * The requests this node is waiting answers for, each with its timer. Every way out (complete,
 * timeout, abort) removes the entry and its timer, so nothing accumulates per request.
 */
export class PendingRequests {
  private readonly entries = new Map<string, { request: PendingRequest; timer: NodeJS.Timeout }>();

  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  add(id: string, request: PendingRequest, timeoutMs: number): void {
    const timer = setTimeout(() => {
      this.entries.delete(id);
      request.onTimeout();
    }, timeoutMs);
    this.entries.set(id, { request, timer });
  }

  /** Routes a response to its request; false when the id is not one of ours. */
  respond(id: string, response: WireResponse): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    if (entry.request.onResponse(response)) this.finish(id);
    return true;
  }

  /** Ends one request early with an error (e.g. its publication failed). */
  abort(id: string, err: Error): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.finish(id);
    entry.request.onAbort(err);
  }

  abortAll(err: Error): void {
    for (const id of [...this.entries.keys()]) this.abort(id, err);
  }

  private finish(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.entries.delete(id);
  }
}
