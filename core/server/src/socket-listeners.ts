import { ListenerList, RESERVED_EVENTS, type AnyListener, type EventsMap } from "@switchboard/protocol";
import type { DisconnectReason } from "./server-types.js";
import { TypedEventEmitter } from "./typed-event-emitter.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Events a server-side socket emits locally. */
export interface SocketReservedEventsMap {
  disconnect: (reason: DisconnectReason, description?: any) => void;
  disconnecting: (reason: DisconnectReason, description?: any) => void;
  error: (err: Error) => void;
  /** Flow control: an `emit()` returned false, and the connection's buffer fell back under the mark. */
  drain: () => void;
}

/**
 * Names an application may not emit: Socket.IO's, plus `drain`, which is the flow-control event
 * here (an incoming `drain` event is dropped, so a peer cannot fake one).
 */
export const SOCKET_RESERVED_EVENTS: ReadonlySet<string> = new Set([...RESERVED_EVENTS, "drain"]);

/** Packet middleware: receives `[event, ...args]`, calls `next()` or `next(err)`. */
export type SocketMiddleware = (event: any[], next: (err?: Error) => void) => void;

/**
 * What a socket offers around its events: catch-all listeners (incoming and outgoing) and packet
 * middlewares. Each list is created on first use, so a socket nobody inspects holds none of them.
 */
export abstract class SocketListeners<ListenEvents extends EventsMap, EmitEvents extends EventsMap> extends TypedEventEmitter<
  ListenEvents,
  EmitEvents,
  SocketReservedEventsMap
> {
  // Middlewares and catch-all listeners, in one object made by the first of them: most sockets
  // have none, and three fields would cost 24 bytes per socket.
  private hooks: { fns?: SocketMiddleware[]; any?: ListenerList; anyOutgoing?: ListenerList } | undefined;

  protected get fns(): SocketMiddleware[] | undefined {
    return this.hooks?.fns;
  }

  protected get anyListeners(): ListenerList | undefined {
    return this.hooks?.any;
  }

  private get anyOutgoingListeners(): ListenerList | undefined {
    return this.hooks?.anyOutgoing;
  }

  /** Registers a packet middleware; `next(err)` emits `error` on the socket. */
  use(fn: SocketMiddleware): this {
    ((this.hooks ??= {}).fns ??= []).push(fn);
    return this;
  }

  /** Runs the packet middlewares in order; `done(err)` at the first error. */
  protected runMiddlewares(event: unknown[], done: (err?: Error) => void): void {
    const fns = this.fns;
    if (!fns || fns.length === 0) {
      done();
      return;
    }
    const list = fns.slice();
    const step = (i: number): void => {
      list[i](event as any[], (err) => {
        if (err) done(err);
        else if (i + 1 >= list.length) done();
        else step(i + 1);
      });
    };
    step(0);
  }

  /** Called with every packet sent to the peer (the adapter calls it for broadcasts too). */
  notifyOutgoingListeners(packet: { data?: unknown }): void {
    this.anyOutgoingListeners?.call(this, packet.data as unknown[]);
  }

  /** Listener called with every incoming event (name first). */
  onAny(listener: AnyListener): this {
    ((this.hooks ??= {}).any ??= new ListenerList()).add(listener);
    return this;
  }

  prependAny(listener: AnyListener): this {
    ((this.hooks ??= {}).any ??= new ListenerList()).prepend(listener);
    return this;
  }

  /** Removes one catch-all listener, or all of them. */
  offAny(listener?: AnyListener): this {
    this.anyListeners?.remove(listener);
    return this;
  }

  listenersAny(): AnyListener[] {
    return this.anyListeners?.list() ?? [];
  }

  /** Listener called with every outgoing event (name first). */
  onAnyOutgoing(listener: AnyListener): this {
    ((this.hooks ??= {}).anyOutgoing ??= new ListenerList()).add(listener);
    return this;
  }

  prependAnyOutgoing(listener: AnyListener): this {
    ((this.hooks ??= {}).anyOutgoing ??= new ListenerList()).prepend(listener);
    return this;
  }

  offAnyOutgoing(listener?: AnyListener): this {
    this.anyOutgoingListeners?.remove(listener);
    return this;
  }

  listenersAnyOutgoing(): AnyListener[] {
    return this.anyOutgoingListeners?.list() ?? [];
  }
}
