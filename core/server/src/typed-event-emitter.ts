import { EventEmitter } from "node:events";
import createDebug from "debug";
import type { EventNames, EventParams, EventsMap, ReservedOrUserEventNames, ReservedOrUserListener } from "@switchboard/protocol";
import { compactListeners } from "@switchboard/engine";

const debug = createDebug("switchboard:server");

/**
 * Node's EventEmitter with typed `on`/`once`/`emit`: listeners are checked against
 * `ListenEvents` (and the reserved events), `emit` against `EmitEvents`. Server-side classes
 * keep Node's emitter (not the browser-safe one) because socket.io users call its full API
 * (`listenerCount`, `eventNames`, `prependListener`, ...).
 *
 * @example
 * class Room extends TypedEventEmitter<{ join: (id: string) => void }, {}, {}> {}
 */
export abstract class TypedEventEmitter<
  ListenEvents extends EventsMap,
  EmitEvents extends EventsMap,
  ReservedEvents extends EventsMap = Record<never, never>,
> extends EventEmitter {
  constructor() {
    super();
    compactListeners(this);
  }

  override on<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this {
    return super.on(ev, listener);
  }

  override addListener<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this {
    return super.addListener(ev, listener);
  }

  override once<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this {
    return super.once(ev, listener);
  }

  override off<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this {
    return super.off(ev, listener);
  }

  /** Emits a user event (subclasses send it to the peer instead). */
  override emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: EventParams<EmitEvents, Ev>): boolean {
    return super.emit(ev, ...args);
  }

  /** Emits a reserved event locally (`connection`, `disconnect`, ...). */
  protected emitReserved<Ev extends EventNames<ReservedEvents>>(ev: Ev, ...args: EventParams<ReservedEvents, Ev>): boolean {
    return super.emit(ev, ...args);
  }

  /**
   * Emits an event received from the network to the local listeners, unchecked. A peer may name
   * its event `error`: with no listener Node's EventEmitter would throw it out of the handler and
   * kill the process (CVE-2024-38355), so such an event is dropped (and logged) instead.
   */
  protected emitUntyped(ev: string, ...args: unknown[]): boolean {
    return this.emitUntypedArray([ev, ...args]);
  }

  /** Same as {@link emitUntyped} for an `[event, ...args]` array, which goes down uncopied. */
  protected emitUntypedArray(event: unknown[]): boolean {
    if (event[0] === "error" && this.listenerCount("error") === 0) {
      debug('dropping an "error" event from the network: no listener');
      return false;
    }
    // eslint-disable-next-line @typescript-eslint/unbound-method -- applied to this emitter, without copying the arguments
    return Reflect.apply(EventEmitter.prototype.emit, this, event) as boolean;
  }

  override listeners<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(ev: Ev): ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>[] {
    return super.listeners(ev) as ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>[];
  }
}
