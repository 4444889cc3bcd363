// Loose on purpose: typed emitters (a socket.io-client Socket<ServerEvents>) narrow `event` to their
// own event names, which a `(event: string, ...)` signature would refuse.

interface Listenable {
  once(event: any, listener: any): unknown;
  off?(event: any, listener?: any): unknown;
  removeListener?(event: any, listener: any): unknown;
}

/** Resolves with the arguments of the next `event`, or rejects after `timeoutMs`. */
export function once<T extends unknown[] = unknown[]>(emitter: Listenable, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const listener = (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args as T);
    };
    const timer = setTimeout(() => {
      (emitter.off ?? emitter.removeListener)?.call(emitter, event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${event}"`));
    }, timeoutMs);
    emitter.once(event, listener);
  });
}

/** Polls `condition` until it holds, or rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls an asynchronous condition (a question to Redis, to another process) until it holds, or rejects after `timeoutMs`. */
export async function eventually(condition: () => Promise<boolean>, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}
