import debugModule from "debug";

const debug = debugModule("switchboard:engine");

/** Something whose pending writes are flushed once per event-loop turn. */
export interface Flushable {
  flushQueued: boolean;
  flush(): void;
}

const queue: Flushable[] = [];
let scheduled = false;

function run(): void {
  // Targets queued while running (a flush that triggers another send) are served in this pass.
  for (let i = 0; i < queue.length; i++) {
    const target = queue[i];
    target.flushQueued = false;
    try {
      target.flush();
    } catch (err) {
      debug("flush failed: %O", err);
      // A throwing listener must not stall every other socket's writes; surface it afterwards.
      queueMicrotask(() => {
        throw err;
      });
    }
  }
  queue.length = 0;
  scheduled = false;
}

/**
 * Queues a flush for the end of the current turn, so every packet sent meanwhile leaves in one
 * polling response or one corked WebSocket write (one `nextTick` serves all sockets).
 */
export function scheduleFlush(target: Flushable): void {
  if (target.flushQueued) return;
  target.flushQueued = true;
  queue.push(target);
  if (!scheduled) {
    scheduled = true;
    process.nextTick(run);
  }
}

// Event-loop turns, numbered: a session writes its first packet of a turn at once (when nothing
// is queued) and queues the rest for the flush, so a burst still leaves in one more write.
let turn = 1;
let turnEndScheduled = false;

function endTurn(): void {
  turn++;
  turnEndScheduled = false;
}

/** Number of the current event-loop turn (it changes at the same `nextTick` as the flushes run). */
export function currentTurn(): number {
  return turn;
}

/** Marks the current turn as one in which something was written at once; returns its number. */
export function claimTurn(): number {
  if (!turnEndScheduled) {
    turnEndScheduled = true;
    process.nextTick(endTurn);
  }
  return turn;
}
