import createDebug from "debug";
import { isClusterMessage, type ClusterMessage, type ClusterResponse } from "@switchboard/server";
import { decodeMsgpack, encodeMsgpack } from "@switchboard/redis-adapter";

const debug = createDebug("switchboard:redis-streams");

/**
 * The wire format of `@socket.io/redis-streams-adapter` 0.3:
 *
 * - a stream entry has the fields `uid`, `nsp`, `type` (the message type as a decimal string) and
 *   `data`: JSON, or, when the data holds binary, its MessagePack bytes in base64 (JSON data
 *   always starts with `{`, base64 of a MessagePack map never does);
 * - a pub/sub message (requests, responses, heartbeats) is the whole message in MessagePack.
 *
 * Switchboard adds one field to the entries it writes, `mid` (`<publisher id>:<sequence>`), which
 * lets readers drop the copy of an entry written twice (a retry after Redis applied the first one
 * but its answer was lost). Readers that do not know it ignore it.
 */

/** The publisher and sequence number of an entry's `mid` field (undefined for entries without one). */
export function parseMid(mid: string | undefined): { publisher: string; seq: number } | undefined {
  const colon = mid === undefined ? -1 : mid.lastIndexOf(":");
  if (colon === -1) return undefined;
  const seq = Number(mid!.slice(colon + 1));
  return Number.isSafeInteger(seq) ? { publisher: mid!.slice(0, colon), seq } : undefined;
}

/** Whether a value holds binary data (which JSON cannot carry). */
export function hasBinary(value: unknown, depth = 0): boolean {
  if (!value || typeof value !== "object" || depth > 100) return false;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return true;
  if (Array.isArray(value)) return value.some((item) => hasBinary(item, depth + 1));
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === "function") return hasBinary(withJson.toJSON(), depth + 1);
  for (const key of Object.keys(value)) if (hasBinary((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

/** The fields of a stream entry for a message (without `mid`, which the publisher adds). */
export function encodeEntry(message: ClusterMessage, onlyPlaintext: boolean): Record<string, string> {
  const fields: Record<string, string> = { uid: message.uid, nsp: message.nsp, type: String(message.type) };
  if ("data" in message && message.data !== undefined) {
    fields.data = !onlyPlaintext && hasBinary(message.data) ? encodeMsgpack(message.data, "msgpack").toString("base64") : JSON.stringify(message.data);
  }
  return fields;
}

/** The message of a stream entry; undefined (and logged) when malformed. */
export function decodeEntry(fields: Record<string, string>): ClusterMessage | undefined {
  try {
    const message: Record<string, unknown> = { uid: fields.uid, nsp: fields.nsp, type: Number.parseInt(fields.type ?? "", 10) };
    const data = fields.data;
    if (data) message.data = data.startsWith("{") ? JSON.parse(data) : decodeMsgpack(Buffer.from(data, "base64"));
    if (isClusterMessage(message)) return message as ClusterMessage;
  } catch (err) {
    debug("ignoring malformed entry: %s", (err as Error).message);
    return undefined;
  }
  debug("ignoring entry that is not a cluster message");
  return undefined;
}

/** A message or response for Redis pub/sub. */
export function encodePubSub(message: ClusterMessage | ClusterResponse): Buffer {
  return encodeMsgpack(message, "msgpack");
}

/** A message or response from Redis pub/sub; undefined (and logged) when malformed. */
export function decodePubSub(payload: Buffer): ClusterMessage | ClusterResponse | undefined {
  try {
    const value = decodeMsgpack(payload);
    if (isClusterMessage(value)) return value;
  } catch (err) {
    debug("ignoring malformed message: %s", (err as Error).message);
    return undefined;
  }
  debug("ignoring a message that is not a cluster message");
  return undefined;
}
