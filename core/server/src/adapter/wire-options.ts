import type { BroadcastFlags, BroadcastOptions, Room } from "./adapter-types.js";

/** Broadcast options as they travel between nodes: arrays, not Sets. */
export interface WireOptions {
  rooms?: Room[];
  except?: Room[];
  flags?: BroadcastFlags;
}

/** Broadcast options as they travel: arrays instead of Sets, flags only where the message carries them. */
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

/** Whether a broadcast with these options reaches a socket in `rooms` (the session of a socket that is away). */
export function reachesRooms(rooms: Iterable<Room>, opts: BroadcastOptions): boolean {
  const list = [...rooms];
  const included = opts.rooms.size === 0 || list.some((room) => opts.rooms.has(room));
  return included && !(opts.except !== undefined && list.some((room) => opts.except!.has(room)));
}
