import { jest } from "@jest/globals";

/**
 * Fakes `setTimeout` and `clearTimeout` only (with `{ monotonic: true }`, `performance.now()` too,
 * the clock the engine's heartbeat reads): the timer under test fires when the test says so
 * (`jest.advanceTimersByTime`), while sockets, `setImmediate`, `nextTick`, intervals and `Date`
 * stay real. Undo with `jest.useRealTimers()`. Imported on its own (not from ./index.js): it needs
 * Jest, which the helpers shared with child processes do not.
 *
 * @example
 * fakeTimeouts();
 * try { io.timeout(100).emit("q", cb); await answered; jest.advanceTimersByTime(100); } finally { jest.useRealTimers(); }
 */
export function fakeTimeouts(options: { monotonic?: boolean } = {}): void {
  jest.useFakeTimers({
    doNotFake: [
      "Date",
      "hrtime",
      "nextTick",
      ...(options.monotonic ? [] : (["performance"] as const)),
      "queueMicrotask",
      "requestAnimationFrame",
      "cancelAnimationFrame",
      "requestIdleCallback",
      "cancelIdleCallback",
      "setImmediate",
      "clearImmediate",
      "setInterval",
      "clearInterval",
    ],
  });
}

/**
 * Waits for `promise` (or until `condition()` holds) while timeouts are faked, running the
 * zero-delay ones as they come (the clock does not move): libraries such as the XMLHttpRequest
 * behind socket.io-client's polling dispatch their events through `setTimeout(fn, 0)`. The
 * test's own timeout bounds the wait.
 */
export async function settleWithFakeTimeouts<T>(awaited: Promise<T>): Promise<T>;
export async function settleWithFakeTimeouts(awaited: () => boolean): Promise<void>;
export async function settleWithFakeTimeouts<T>(awaited: Promise<T> | (() => boolean)): Promise<T | void> {
  let settled = false;
  const done = typeof awaited === "function" ? undefined : awaited.finally(() => (settled = true));
  const ready = typeof awaited === "function" ? awaited : () => settled;
  while (!ready()) {
    jest.advanceTimersByTime(0);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return done;
}
