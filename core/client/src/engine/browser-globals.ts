// The few browser globals the client touches, typed here so that the package compiles without
// the DOM lib (Node consumers and the type tests do not load it).

export interface XhrLike {
  open(method: string, url: string, async: boolean): void;
  setRequestHeader(name: string, value: string): void;
  send(body: string | null): void;
  abort(): void;
  withCredentials: boolean;
  timeout: number;
  status: number;
  responseText: string;
  onload: (() => void) | null;
  onerror: (() => void) | null;
  ontimeout: (() => void) | null;
  onabort: (() => void) | null;
}

interface BrowserGlobals {
  XMLHttpRequest?: new () => XhrLike;
  WebSocket?: new (url: string, protocols?: string | string[]) => unknown;
  addEventListener?: (type: string, fn: () => void, capture?: boolean) => void;
  removeEventListener?: (type: string, fn: () => void, capture?: boolean) => void;
}

export const browserGlobals = globalThis as unknown as BrowserGlobals;

/** True in a page or worker with window-style events (`beforeunload`, `offline`). */
export function hasWindowEvents(): boolean {
  return typeof browserGlobals.addEventListener === "function" && typeof browserGlobals.removeEventListener === "function";
}
