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
