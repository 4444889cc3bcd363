import { EventEmitter } from "node:events";
import { ListenerTable } from "@switchboard/protocol";

/**
 * Gives a freshly constructed Node emitter the compact {@link ListenerTable} instead of the
 * null-prototype literal Node starts with (a hash table from birth, ~160 bytes), which a server
 * holding several emitters per connection pays tens of thousands of times. Node reads `_events`
 * as an own key lookup (`eventNames()` uses own keys only), and resets it itself once the last
 * listener goes.
 *
 * @example
 * class Conn extends EventEmitter { constructor() { super(); compactListeners(this); } }
 */
export function compactListeners(emitter: EventEmitter): void {
  const internal = emitter as unknown as { _events: object; _eventsCount: number };
  if (internal._eventsCount === 0) internal._events = new ListenerTable();
}

/**
 * For emitters that are rarely listened to: no listener table at all until the first listener
 * (Node's emitter reads a missing one as "no listeners"), then the compact one. Call it once on
 * the class, and {@link deferListeners} from its constructor. The class keeps its typed methods:
 * only their implementations are wrapped (Node's `once` and `prependOnceListener` go through them).
 *
 * @example
 * class Conn extends EventEmitter { constructor() { super(); deferListeners(this); } }
 * deferListenersOf(Conn);
 */
export function deferListenersOf(emitterClass: { prototype: EventEmitter }): void {
  const proto = emitterClass.prototype as unknown as Record<string, unknown>;
  for (const name of ["addListener", "on", "prependListener"] as const) {
    const add = Reflect.get(EventEmitter.prototype, name) as (this: EventEmitter, ...args: unknown[]) => EventEmitter;
    proto[name] = function (this: EventEmitter, ...args: unknown[]) {
      const internal = this as unknown as { _events: object | undefined; _eventsCount: number };
      if (internal._events === undefined) {
        internal._events = new ListenerTable();
        internal._eventsCount = 0;
      }
      return add.apply(this, args);
    };
  }
}

/** Drops the table a fresh emitter starts with (see {@link deferListenersOf}). */
export function deferListeners(emitter: EventEmitter): void {
  const internal = emitter as unknown as { _events: object | undefined; _eventsCount: number };
  if (internal._eventsCount === 0) internal._events = undefined;
}
