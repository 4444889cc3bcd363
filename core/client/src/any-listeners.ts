/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyFn = (...args: any[]) => void;

/** Catch-all listeners (`onAny`/`onAnyOutgoing`): called with the event name then its arguments. */
export class AnyListeners {
  #list: AnyFn[] = [];

  add(fn: AnyFn): void {
    this.#list.push(fn);
  }

  prepend(fn: AnyFn): void {
    this.#list.unshift(fn);
  }

  /** Removes one listener, or all of them without an argument. */
  remove(fn?: AnyFn): void {
    this.#list = fn ? this.#list.filter((l) => l !== fn) : [];
  }

  list(): AnyFn[] {
    return this.#list.slice();
  }

  call(thisArg: unknown, args: unknown[]): void {
    if (this.#list.length === 0) return;
    for (const fn of this.#list.slice()) fn.apply(thisArg, args);
  }
}
