/** Stream entry ids (`<milliseconds>-<sequence>`): checks and comparisons. */

const STREAM_ID = /^\d+-\d+$/;

/** Whether a value from the network is a stream id (a client's recovery offset is checked before use). */
export function isStreamId(value: unknown): value is string {
  return typeof value === "string" && value.length <= 42 && STREAM_ID.test(value);
}

function split(id: string): [bigint, bigint] {
  const dash = id.indexOf("-");
  return [BigInt(id.slice(0, dash)), BigInt(id.slice(dash + 1))];
}

/** Negative, zero or positive, as `a` comes before, is, or comes after `b` in the stream. */
export function compareIds(a: string, b: string): number {
  const [ma, sa] = split(a);
  const [mb, sb] = split(b);
  if (ma !== mb) return ma < mb ? -1 : 1;
  return sa === sb ? 0 : sa < sb ? -1 : 1;
}

/** The smallest id after `id` (an exclusive XRANGE start that works before Redis 6.2). */
export function nextId(id: string): string {
  const [ms, seq] = split(id);
  return `${ms}-${seq + 1n}`;
}
