import type { AnyListener } from "@switchboard/protocol";

/**
 * Registers an emit's ack callback with its timeout under `id`: the callback gets `(err)` once the
 * time is up, or `(null, ...args)` when the client answers first. `timed` keeps, for each pending
 * id, how to fail it at once when the socket leaves (no answer can come then).
 *
 * @example
 * registerTimedAck(socket, socket.acks, timedAcks, 7, (err, reply) => {}, 1000);
 */
export function registerTimedAck(
  self: unknown,
  acks: Map<number, AnyListener>,
  timed: Map<number, () => void>,
  id: number,
  ack: AnyListener,
  timeout: number,
): void {
  const timer = setTimeout(() => {
    acks.delete(id);
    timed.delete(id);
    ack.call(self, new Error("operation has timed out"));
  }, timeout);
  timed.set(id, () => {
    clearTimeout(timer);
    ack.call(self, new Error("socket has been disconnected"));
  });
  acks.set(id, (...args: unknown[]) => {
    clearTimeout(timer);
    timed.delete(id);
    ack.apply(self, [null, ...args]);
  });
}

/** Fails every ack still waiting in `timed` (its socket left), after the current turn's events. */
export function failTimedAcks(timed: Map<number, () => void>): void {
  // After the "disconnect" event, as a timeout would have come after it.
  process.nextTick(() => {
    for (const fail of timed.values()) fail();
  });
}

/**
 * The callback handed to a listener whose incoming event expects an acknowledgement: the first
 * call sends the ACK packet `id` with its arguments through `socket`, later calls are ignored (as
 * in socket.io). One closure per acknowledged event.
 *
 * @example
 * args.push(ackSender(socket, id));
 */
export function ackSender(socket: { _sendAck(id: number, data: unknown[]): void }, id: number): AnyListener {
  let sent = false;
  return (...args: unknown[]) => {
    if (sent) return;
    sent = true;
    socket._sendAck(id, args);
  };
}
