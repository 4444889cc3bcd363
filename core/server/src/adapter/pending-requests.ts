/** What a cluster adapter does with the answers to one request of its own. */
export interface PendingRequest<Response> {
  /** Takes one response; answers true once the request has everything it waits for. */
  onResponse(response: Response): boolean;
  /**
   * The request's time ran out before it was complete. Returning a number of milliseconds keeps
   * it waiting that much longer (the adapter expects a verdict on a silent node); anything else
   * ends it.
   */
  onTimeout(): number | void;
  /** The adapter closed or the request could not be published. */
  onAbort(err: Error): void;
}

/**
 * The requests a node is waiting answers for, each with its timer. Every way out (complete,
 * timeout, abort) removes the entry and its timer, so nothing accumulates per request.
 */
export class PendingRequests<Response = unknown> {
  private readonly entries = new Map<string, { request: PendingRequest<Response>; timer: NodeJS.Timeout }>();

  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  add(id: string, request: PendingRequest<Response>, timeoutMs: number): void {
    this.entries.set(id, { request, timer: this.arm(id, request, timeoutMs) });
  }

  private arm(id: string, request: PendingRequest<Response>, timeoutMs: number): NodeJS.Timeout {
    return setTimeout(() => {
      const more = request.onTimeout();
      const entry = this.entries.get(id);
      if (!entry) return;
      if (typeof more === "number" && more > 0) entry.timer = this.arm(id, request, more);
      else this.entries.delete(id);
    }, timeoutMs);
  }

  /** Routes a response to its request; false when the id is not one of ours. */
  respond(id: string, response: Response): boolean {
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

  /** Shows every request an event (a node that left...); those answering true are complete. */
  settle(isComplete: (request: PendingRequest<Response>) => boolean): void {
    for (const [id, entry] of [...this.entries]) if (isComplete(entry.request)) this.finish(id);
  }

  /** Forgets a request that completed on its own (its owner already answered). */
  finish(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.entries.delete(id);
  }
}
