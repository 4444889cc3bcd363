import type { EventEmitter } from "node:events";

/**
 * A listener table without a prototype, like the `{ __proto__: null }` object Node's EventEmitter
 * starts with (so `"constructor"` or `"toString"` are ordinary event names), but that V8 keeps in
 * fast mode: a null-prototype literal is a hash table from birth (~160 bytes), which a server
 * holding several emitters per connection pays tens of thousands of times.
 */
const ListenerStore = function ListenerStore() {} as unknown as new () => object;
ListenerStore.prototype = Object.create(null) as object;

/**
 * Gives a freshly constructed emitter a compact listener table. Node reads `_events` as an own
 * key lookup (`eventNames()` uses own keys only), and resets it itself once the last listener goes.
 *
 * @example
 * class Conn extends EventEmitter { constructor() { super(); compactListeners(this); } }
 */
export function compactListeners(emitter: EventEmitter): void {
  const internal = emitter as unknown as { _events: object; _eventsCount: number };
  if (internal._eventsCount === 0) internal._events = new ListenerStore();
}
