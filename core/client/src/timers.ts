/** The timer functions a client uses, chosen once from its options. */
export interface ClientTimers {
  setTimeout(fn: () => void, ms: number): ReturnType<typeof setTimeout>;
  clearTimeout(timer: ReturnType<typeof setTimeout> | undefined): void;
}

/** Timer options of a client (socket.io-client's names). */
export interface TimerOptions {
  /**
   * Use the timer functions that were in place when the client was loaded, not whatever
   * `setTimeout` is at call time: fake timers installed later (sinon, Jest) do not affect the
   * client. Default false.
   */
  useNativeTimers?: boolean;
  /**
   * Node: unref the client's timers and sockets, so that a process whose only remaining work is
   * this client exits. Default false.
   */
  autoUnref?: boolean;
}

// Taken when this module loads: what `useNativeTimers` keeps using.
const nativeSetTimeout = globalThis.setTimeout;
const nativeClearTimeout = globalThis.clearTimeout;

function unref(timer: ReturnType<typeof setTimeout>): ReturnType<typeof setTimeout> {
  // Node timers are objects with unref(); browsers return numbers.
  if (typeof timer === "object" && timer !== null && typeof (timer as { unref?: unknown }).unref === "function") {
    (timer as { unref(): void }).unref();
  }
  return timer;
}

/**
 * The timers for `opts`. Without `useNativeTimers`, `setTimeout` is looked up at each call, so
 * fake timers installed before a timer is set drive it.
 *
 * @example
 * const timers = createTimers({ autoUnref: true }); const t = timers.setTimeout(retry, 1000);
 */
export function createTimers(opts: TimerOptions = {}): ClientTimers {
  const native = !!opts.useNativeTimers;
  const autoUnref = !!opts.autoUnref;
  return {
    setTimeout(fn, ms) {
      const timer = native ? nativeSetTimeout.call(globalThis, fn, ms) : globalThis.setTimeout(fn, ms);
      return autoUnref ? unref(timer) : timer;
    },
    clearTimeout(timer) {
      if (native) nativeClearTimeout.call(globalThis, timer);
      else globalThis.clearTimeout(timer);
    },
  };
}
