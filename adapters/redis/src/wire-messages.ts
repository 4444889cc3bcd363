import createDebug from "debug";
import type { BroadcastOptions } from "@switchboard/server";
import { decodeMsgpack } from "./msgpack-codec.js";
import { RedisAdapterError } from "./redis-adapter-error.js";
import type { WireOptions, WireRequest, WireResponse } from "./request-types.js";

const debug = createDebug("switchboard:redis");

/** Broadcast options as they travel: arrays instead of Sets, flags only where the request carries them. */
export function toWireOptions(opts: BroadcastOptions, withFlags: boolean): WireOptions {
  const wire: WireOptions = { rooms: [...opts.rooms], except: [...(opts.except ?? [])] };
  if (withFlags) wire.flags = opts.flags ?? {};
  return wire;
}

/** Options from another node, checked, and marked `local`: this node must not publish them again. */
export function fromWireOptions(opts: WireOptions | undefined): BroadcastOptions {
  return {
    rooms: new Set(Array.isArray(opts?.rooms) ? opts.rooms : []),
    except: new Set(Array.isArray(opts?.except) ? opts.except : []),
    flags: opts?.flags && typeof opts.flags === "object" ? { ...opts.flags, local: true } : { local: true },
  };
}

/** A request or response from the wire; undefined (and logged) when malformed. */
export function parseMessage(msg: Buffer): (WireRequest & WireResponse) | undefined {
  try {
    // JSON for most messages, msgpack for broadcasts with acks and their acks.
    const value = msg[0] === 0x7b ? JSON.parse(msg.toString()) : decodeMsgpack(msg);
    return value && typeof value === "object" ? (value as WireRequest & WireResponse) : undefined;
  } catch (err) {
    debug("ignoring malformed message: %s", (err as Error).message);
    return undefined;
  }
}

/** `promise`, or a REDIS_REQUEST_TIMEOUT error after `timeoutMs`. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new RedisAdapterError("REDIS_REQUEST_TIMEOUT", `timeout reached while waiting for ${what} (Redis unreachable?)`)),
      timeoutMs,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
