import type { EventEmitter } from "node:events";
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
