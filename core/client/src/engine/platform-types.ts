import type { EngineOptions } from "./engine-options.js";
import type { BinaryType } from "@switchboard/protocol";
import type { CookieJar } from "./cookie-jar.js";

/** One HTTP request of the polling transport. */
export interface HttpRequestInit {
  method: "GET" | "POST";
  url: string;
  body?: string;
  opts: EngineOptions;
  /** Node keeps cookies here when `withCredentials` is set. */
  jar?: CookieJar;
}

export interface HttpResponse {
  status: number;
  body: string;
}

/** A cancellable request: `abort()` settles `response` with an error. */
export interface PendingRequest {
  response: Promise<HttpResponse>;
  abort(): void;
}

/** The subset of the WHATWG WebSocket that both the browser and `ws` offer. */
export interface WebSocketLike {
  binaryType: string;
  readyState: number;
  /** Bytes passed to `send()` and not sent yet. */
  readonly bufferedAmount: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
}

/** What differs between Node and browsers; `platform.ts` (Node) and `platform-browser.ts` implement it. */
export interface Platform {
  name: "node" | "browser";
  /** How binary arrives by default: Buffers in Node (as socket.io-client), ArrayBuffers in browsers. */
  binaryType: BinaryType;
  request(init: HttpRequestInit): PendingRequest;
  /** A WebSocket delivering binary frames as `binaryType` asks where the platform can (Node). */
  createWebSocket(url: string, opts: EngineOptions, jar: CookieJar | undefined, binaryType: BinaryType): WebSocketLike;
}
