/* eslint-disable @typescript-eslint/no-explicit-any */
/** A listener of a catch-all list (`onAny`, `onAnyOutgoing`): called with the event name first. */
export type AnyListener = (...args: any[]) => void;

/**
 * An ordered list of catch-all listeners, shared by the server's and the client's sockets. A socket
 * creates one only when someone subscribes, so the hot path costs one `undefined` check otherwise.
 *
 * @example
 * const any = new ListenerList(); any.add(log); any.call(socket, ["event", 1]);
 */
export class ListenerList {
  private fns: AnyListener[] = [];

  add(fn: AnyListener): void {
    this.fns.push(fn);
  }

  prepend(fn: AnyListener): void {
    this.fns.unshift(fn);
  }

  /** Removes one listener, or all of them without an argument. */
  remove(fn?: AnyListener): void {
    if (!fn) {
      this.fns = [];
      return;
    }
    const i = this.fns.indexOf(fn);
    if (i !== -1) this.fns.splice(i, 1);
  }

  list(): AnyListener[] {
    return this.fns.slice();
  }

  /** Calls every listener; a copy is iterated so listeners may remove themselves. */
  call(thisArg: unknown, args: unknown[]): void {
    if (this.fns.length === 0) return;
    for (const fn of this.fns.slice()) fn.apply(thisArg, args);
  }
}
