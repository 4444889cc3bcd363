import { ListenerList, type EventsMap, type Packet } from "@switchboard/protocol";
import { TypedListeners } from "./typed-listeners.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyFn = (...args: any[]) => void;

/**
 * The catch-all listeners of a client Socket: `onAny` (every incoming event) and `onAnyOutgoing`
 * (every event sent), each called with the event name then its arguments.
 *
 * @example
 * socket.onAny((event, ...args) => console.log("got", event, args));
 */
export abstract class CatchAllListeners<ListenEvents extends EventsMap, Reserved extends EventsMap> extends TypedListeners<ListenEvents, Reserved> {
  readonly #incoming = new ListenerList();
  readonly #outgoing = new ListenerList();

  /** Listens to every incoming event: `listener(event, ...args)`. */
  onAny(listener: AnyFn): this {
    this.#incoming.add(listener);
    return this;
  }

  prependAny(listener: AnyFn): this {
    this.#incoming.prepend(listener);
    return this;
  }

  offAny(listener?: AnyFn): this {
    this.#incoming.remove(listener);
    return this;
  }

  listenersAny(): AnyFn[] {
    return this.#incoming.list();
  }

  /** Listens to every outgoing event: `listener(event, ...args)`. */
  onAnyOutgoing(listener: AnyFn): this {
    this.#outgoing.add(listener);
    return this;
  }

  prependAnyOutgoing(listener: AnyFn): this {
    this.#outgoing.prepend(listener);
    return this;
  }

  offAnyOutgoing(listener?: AnyFn): this {
    this.#outgoing.remove(listener);
    return this;
  }

  listenersAnyOutgoing(): AnyFn[] {
    return this.#outgoing.list();
  }

  /** Delivers an incoming event (`[name, ...args]`): catch-all listeners first, then the event's own. */
  protected dispatchIncoming(args: unknown[]): void {
    this.#incoming.call(this, args);
    this.events.emit(...(args as [string, ...unknown[]]));
  }

  /** Tells the outgoing catch-all listeners about an EVENT packet about to leave. */
  protected notifyOutgoing(packet: Packet): void {
    if (Array.isArray(packet.data)) this.#outgoing.call(this, packet.data);
  }
}
