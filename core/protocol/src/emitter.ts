/** A listener of any signature; the typed layers narrow it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Listener = (...args: any[]) => void;

export type ListenerTable = Record<string | symbol, Listener[] | undefined>;

/**
 * A listener table: no prototype (any event name is free, `"constructor"` included), yet an
 * ordinary fast-mode object, where a `Map` or a null-prototype literal costs ~200 bytes even for
 * one listener (servers keep several emitters per connection). Emptied entries are set to
 * `undefined`, never deleted, so the object keeps its compact shape. The server's Node emitters
 * use it too (`compactListeners`).
 */
export const ListenerTable = function ListenerTable() {} as unknown as new () => ListenerTable;
ListenerTable.prototype = Object.create(null) as ListenerTable;

/**
 * A minimal event emitter that runs in Node and in browsers (the client bundle cannot rely on
 * `node:events`). Listeners run synchronously in registration order.
 *
 * @example
 * const e = new Emitter(); e.on("decoded", (p) => console.log(p)); e.emit("decoded", packet);
 */
export class Emitter {
  #listeners = new ListenerTable();

  on(event: string | symbol, fn: Listener): this {
    const list = this.#listeners[event];
    if (list) list.push(fn);
    else this.#listeners[event] = [fn];
    return this;
  }

  addEventListener(event: string | symbol, fn: Listener): this {
    return this.on(event, fn);
  }

  once(event: string | symbol, fn: Listener): this {
    const wrapper: Listener & { listener?: Listener } = (...args) => {
      this.off(event, wrapper);
      fn.apply(this, args);
    };
    wrapper.listener = fn;
    return this.on(event, wrapper);
  }

  /** Removes one listener, every listener of an event, or (no argument) all listeners. */
  off(event?: string | symbol, fn?: Listener): this {
    if (event === undefined) {
      this.#listeners = new ListenerTable();
      return this;
    }
    if (fn === undefined) {
      if (this.#listeners[event]) this.#listeners[event] = undefined;
      return this;
    }
    const list = this.#listeners[event];
    if (!list) return this;
    const i = list.findIndex((l) => l === fn || (l as { listener?: Listener }).listener === fn);
    if (i !== -1) list.splice(i, 1);
    if (list.length === 0) this.#listeners[event] = undefined;
    return this;
  }

  removeListener(event: string | symbol, fn?: Listener): this {
    return this.off(event, fn);
  }

  removeAllListeners(event?: string | symbol): this {
    return this.off(event);
  }

  removeEventListener(event: string | symbol, fn?: Listener): this {
    return this.off(event, fn);
  }

  emit(event: string | symbol, ...args: unknown[]): boolean {
    const list = this.#listeners[event];
    if (!list) return false;
    // One listener (the common case: a client's decoder) needs no copy.
    if (list.length === 1) {
      list[0].apply(this, args);
      return true;
    }
    // Copy so that listeners removing themselves (once) do not skip their neighbours.
    for (const fn of list.slice()) fn.apply(this, args);
    return true;
  }

  /** Kept under the name socket.io's client uses for the same thing. */
  emitReserved(event: string | symbol, ...args: unknown[]): boolean {
    return this.emit(event, ...args);
  }

  listeners(event: string | symbol): Listener[] {
    return (this.#listeners[event] ?? []).map((l) => (l as { listener?: Listener }).listener ?? l);
  }

  hasListeners(event: string | symbol): boolean {
    return (this.#listeners[event]?.length ?? 0) > 0;
  }

  listenerCount(event: string | symbol): number {
    return this.#listeners[event]?.length ?? 0;
  }
}
