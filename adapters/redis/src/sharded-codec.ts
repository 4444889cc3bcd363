import { hasBinary } from "@switchboard/protocol";
import { isClusterMessage, type ClusterMessage, type ClusterResponse } from "@switchboard/server";
import { decodeMsgpack, encodeMsgpack } from "./msgpack-codec.js";

const OPENING_BRACE = 0x7b;

/**
 * A message as the official sharded adapter writes it: JSON, unless it carries binary data
 * (then MessagePack, in `notepack.io`'s conventions). A JSON payload starts with `{`, which no
 * MessagePack map does.
 */
export function encodeShardMessage(message: ClusterMessage | ClusterResponse): string | Buffer {
  return "data" in message && hasBinary(message.data) ? encodeMsgpack(message) : JSON.stringify(message);
}

/** The message of a payload, or undefined when it is not one (network input is checked, never trusted). */
export function decodeShardMessage(payload: Buffer): ClusterMessage | ClusterResponse | undefined {
  const value: unknown = payload[0] === OPENING_BRACE ? JSON.parse(payload.toString("utf8")) : decodeMsgpack(payload);
  return isClusterMessage(value) ? value : undefined;
}
