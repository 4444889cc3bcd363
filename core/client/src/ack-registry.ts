import createDebug from "debug";
import type { ClientTimers } from "./timers.js";

const debug = createDebug("switchboard:client:socket");

/* eslint-disable @typescript-eslint/no-explicit-any */
/** An ack callback; `withError` ones take `(err, ...response)` (timeouts, emitWithAck, retries). */
export type Ack = ((...args: any[]) => void) & { withError?: boolean };

/**
 * Acknowledgements awaited by a Socket, by packet id, with their optional timeouts.
 *
 * @example
 * const id = acks.register(cb, 5000, () => dropFromSendBuffer(id)); acks.resolve(id, ["ok"]);
 */
export class AckRegistry {
  #nextId = 0;
  #acks = new Map<number, Ack>();

  /** `timers`: the Manager's (`useNativeTimers`, `autoUnref`). */
  constructor(private readonly timers: ClientTimers) {}

  /** Stores `ack` under a fresh id; after `timeout` ms it receives an error and `onTimeout` runs. */
  register(ack: Ack, timeout: number | undefined, onTimeout: (id: number) => void): number {
    const id = this.#nextId++;
    if (timeout === undefined) {
      this.#acks.set(id, ack);
      return id;
    }
    const timer = this.timers.setTimeout(() => {
      this.#acks.delete(id);
      onTimeout(id);
      debug("ack %d timed out after %d ms", id, timeout);
      ack(new Error("operation has timed out"));
    }, timeout);
    const wrapped: Ack = (...args: unknown[]) => {
      this.timers.clearTimeout(timer);
      ack(...args);
    };
    wrapped.withError = true;
    this.#acks.set(id, wrapped);
    return id;
  }

  /** Calls the ack of `id` with the server's response; unknown ids are logged and ignored. */
  resolve(id: number | undefined, args: unknown[]): void {
    const ack = id === undefined ? undefined : this.#acks.get(id);
    if (!ack) {
      debug("no ack waits for id %s", id);
      return;
    }
    this.#acks.delete(id!);
    ack(...(ack.withError ? [null, ...args] : args));
  }

  /** Fails the acks whose packets already left: their answers were lost with the connection. */
  clear(stillBuffered: (id: number) => boolean): void {
    for (const [id, ack] of [...this.#acks]) {
      if (stillBuffered(id)) continue;
      this.#acks.delete(id);
      if (ack.withError) ack(new Error("socket has been disconnected"));
    }
  }
}
