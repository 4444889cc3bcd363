/**
 * Readers of raw Redis replies. `ioredis` and `redis` in RESP2 answer with nested arrays;
 * `redis` in RESP3 (its default from v5) answers some commands with maps (plain objects, or Map
 * with a type mapping). Every shape is accepted; anything else is treated as empty.
 */

/** One stream entry: its id and its fields. */
export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
}

function pairs(value: unknown): Array<[unknown, unknown]> {
  if (value instanceof Map) return [...value.entries()];
  if (Array.isArray(value)) {
    const out: Array<[unknown, unknown]> = [];
    for (let i = 0; i + 1 < value.length; i += 2) out.push([value[i], value[i + 1]]);
    return out;
  }
  if (value && typeof value === "object") return Object.entries(value);
  return [];
}

const text = (value: unknown): string => (Buffer.isBuffer(value) ? value.toString() : String(value));

function toEntry(raw: unknown): StreamEntry | undefined {
  if (!Array.isArray(raw) || raw.length < 2) return undefined;
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of pairs(raw[1])) fields[text(key)] = text(value);
  return { id: text(raw[0]), fields };
}

/** XRANGE / XREVRANGE: `[[id, [field, value, ...]], ...]`. */
export function parseEntries(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  const entries: StreamEntry[] = [];
  for (const raw of reply) {
    const entry = toEntry(raw);
    if (entry) entries.push(entry);
  }
  return entries;
}

/**
 * XREAD: `[[stream, entries], ...]` (RESP2), `{ stream: entries }` (RESP3 with `redis`),
 * `[stream, entries, ...]` (RESP3 with `ioredis`, which flattens maps), or null on timeout.
 */
export function parseXRead(reply: unknown): StreamEntry[] {
  if (reply === null || reply === undefined) return [];
  const nested = Array.isArray(reply) && reply.every((item) => Array.isArray(item));
  const streams = nested ? (reply as unknown[][]).map((item) => [item[0], item[1]]) : pairs(reply);
  const entries: StreamEntry[] = [];
  for (const [, list] of streams) entries.push(...parseEntries(list));
  return entries;
}

/** PUBSUB NUMSUB a b: `[a, n, b, m]` or `{ a: n, b: m }`, in the order asked. */
export function parseNumSub(reply: unknown, channels: string[]): number[] {
  const counts = new Map<string, number>();
  for (const [channel, count] of pairs(reply)) counts.set(text(channel), Number(count) || 0);
  return channels.map((channel) => counts.get(channel) ?? 0);
}

/** A bulk string reply (GET...), or undefined for nil. */
export function parseString(reply: unknown): string | undefined {
  return reply === null || reply === undefined ? undefined : text(reply);
}

/** A script's array reply, its items as strings. */
export function parseStrings(reply: unknown): string[] {
  return Array.isArray(reply) ? reply.map(text) : [];
}
