/** What every supported client offers for its error events (one signature: a union of overloads would not accept a union of clients). */
export interface ErrorEvents {
  on(event: "error", listener: (err: Error) => void): unknown;
  off(event: "error", listener: (err: Error) => void): unknown;
}

/** A publishing and a subscribing client, possibly one client for both (its errors are then reported once). */
export abstract class ClientPair<C extends ErrorEvents> {
  constructor(
    protected readonly pub: C,
    protected readonly sub: C,
  ) {}

  onError(listener: (err: Error) => void): void {
    this.pub.on("error", listener);
    if (this.sub !== this.pub) this.sub.on("error", listener);
  }

  offError(listener: (err: Error) => void): void {
    this.pub.off("error", listener);
    if (this.sub !== this.pub) this.sub.off("error", listener);
  }
}

/** The count of a PUBSUB NUMSUB or SHARDNUMSUB reply for one channel: `[channel, count]` (RESP2) or `{ channel: count }` (RESP3, a Map or an object). */
export function parseSubscriberCount(reply: unknown): number {
  if (Array.isArray(reply)) return Number(reply[1]) || 0;
  if (reply instanceof Map) return Number([...reply.values()][0]) || 0;
  if (reply && typeof reply === "object") return Number(Object.values(reply as Record<string, unknown>)[0]) || 0;
  return 0;
}
