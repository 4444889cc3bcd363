import type { AnyListener } from "./listener-list.js";

/**
 * Wraps an emit's ack callback with its timeout: the callback gets `(err)` once the time is up,
 * or `(null, ...args)` when the client answers first. `forget` drops the pending entry.
 *
 * @example
 * acks.set(id, withTimeout(socket, cb, 1000, () => acks.delete(id)));
 */
export function withTimeout(self: unknown, ack: AnyListener, timeout: number, forget: () => void): AnyListener {
  const timer = setTimeout(() => {
    forget();
    ack.call(self, new Error("operation has timed out"));
  }, timeout);
  return (...args: unknown[]) => {
    clearTimeout(timer);
    ack.apply(self, [null, ...args]);
  };
}

/**
 * The callback handed to a listener whose incoming event expects an acknowledgement: the first
 * call sends the ACK packet through `send`, later calls are ignored (as in socket.io).
 *
 * @example
 * args.push(ackSender((data) => socket.packet({ type: PacketType.ACK, id, nsp, data })));
 */
export function ackSender(send: (args: unknown[]) => void): AnyListener {
  let sent = false;
  return (...args: unknown[]) => {
    if (sent) return;
    sent = true;
    send(args);
  };
}
