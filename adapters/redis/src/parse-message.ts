import createDebug from "debug";
import { decodeMsgpack } from "./msgpack-codec.js";
import type { WireRequest, WireResponse } from "./request-types.js";

const debug = createDebug("switchboard:redis");

/** A request or response from the wire; undefined (and logged) when malformed. */
export function parseMessage(msg: Buffer): (WireRequest & WireResponse) | undefined {
  try {
    // JSON for most messages, msgpack for broadcasts with acks and their acks.
    const value: unknown = msg[0] === 0x7b ? JSON.parse(msg.toString()) : decodeMsgpack(msg);
    return value && typeof value === "object" ? value : undefined;
  } catch (err) {
    debug("ignoring malformed message: %s", (err as Error).message);
    return undefined;
  }
}
