import { Emitter, type EventsMap, type ReservedOrUserEventNames, type ReservedOrUserListener } from "@switchboard/protocol";

/**
 * Typed `on`/`once`/`off`/`listeners` over a local Emitter, for classes whose `emit` sends to the
 * peer instead (the client Socket): composition, because the local Emitter's `emit` returns a
 * boolean and could not be overridden with one returning `this`.
 */
export abstract class TypedListeners<ListenEvents extends EventsMap, Reserved extends EventsMap> {
  protected readonly events = new Emitter();

  on<Ev extends ReservedOrUserEventNames<Reserved, ListenEvents>>(ev: Ev, listener: ReservedOrUserListener<Reserved, ListenEvents, Ev>): this {
    this.events.on(ev, listener);
    return this;
  }

  once<Ev extends ReservedOrUserEventNames<Reserved, ListenEvents>>(ev: Ev, listener: ReservedOrUserListener<Reserved, ListenEvents, Ev>): this {
    this.events.once(ev, listener);
    return this;
  }

  off<Ev extends ReservedOrUserEventNames<Reserved, ListenEvents>>(ev?: Ev, listener?: ReservedOrUserListener<Reserved, ListenEvents, Ev>): this {
    this.events.off(ev, listener);
    return this;
  }

  removeListener<Ev extends ReservedOrUserEventNames<Reserved, ListenEvents>>(ev?: Ev, listener?: ReservedOrUserListener<Reserved, ListenEvents, Ev>): this {
    return this.off(ev, listener);
  }

  removeAllListeners<Ev extends ReservedOrUserEventNames<Reserved, ListenEvents>>(ev?: Ev): this {
    this.events.off(ev);
    return this;
  }

  listeners<Ev extends ReservedOrUserEventNames<Reserved, ListenEvents>>(ev: Ev): ReservedOrUserListener<Reserved, ListenEvents, Ev>[] {
    return this.events.listeners(ev) as ReservedOrUserListener<Reserved, ListenEvents, Ev>[];
  }

  hasListeners<Ev extends ReservedOrUserEventNames<Reserved, ListenEvents>>(ev: Ev): boolean {
    return this.events.hasListeners(ev);
  }
}
