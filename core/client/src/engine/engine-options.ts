import type { TimerOptions } from "../timers.js";

/** Options of the Engine.IO client, shared by the Socket.IO Manager (it passes them through). */
export interface EngineOptions {
  /** Endpoint path on the server (`/engine.io` for a bare engine; the Manager uses `/socket.io`). */
  path: string;
  /** Extra query parameters sent with every request. */
  query: Record<string, string>;
  /** Transports in order of preference (`polling`, `websocket`). */
  transports: string[];
  /** Probe the next transports after connecting over polling. */
  upgrade: boolean;
  /** Start with WebSocket when a previous connection upgraded successfully. */
  rememberUpgrade: boolean;
  /** Try the next transport when the first one fails to open. */
  tryAllTransports: boolean;
  /** Per-transport overrides, e.g. `{ polling: { extraHeaders: {...} } }`. */
  transportOptions: Record<string, Partial<EngineOptions>>;
  /** Headers added to polling requests and the WebSocket handshake (Node; polling only in browsers). */
  extraHeaders: Record<string, string>;
  /** Send cookies cross-origin (browsers); keep cookies in a jar for sticky sessions (Node). */
  withCredentials: boolean;
  /** Add a timestamp parameter to each request so caches never answer. */
  timestampRequests: boolean;
  timestampParam: string;
  /** Milliseconds before a polling request is aborted (0: never). */
  requestTimeout: number;
  /** WebSocket sub-protocols. */
  protocols: string | string[];
  /** Close the connection on `beforeunload` (browsers). */
  closeOnBeforeunload: boolean;
  /** Append a trailing slash to the path, as Engine.IO servers expect by default. */
  addTrailingSlash: boolean;
  /** Encode binary as base64 even over WebSocket. */
  forceBase64: boolean;
  /** Node: an `http.Agent` (or false) for polling and the WebSocket handshake. */
  agent: unknown;
  /** Node TLS options, passed to https and ws. */
  pfx?: unknown;
  key?: unknown;
  passphrase?: string;
  cert?: unknown;
  ca?: unknown;
  ciphers?: string;
  rejectUnauthorized?: boolean;
  /** Node: options for the `ws` permessage-deflate extension (false by default). */
  perMessageDeflate: unknown;
  /** Timers unaffected by fake timers installed after the client loaded (see {@link TimerOptions}). */
  useNativeTimers: boolean;
  /** Node: unref timers and sockets, so the process can exit with only this client left. */
  autoUnref: boolean;
  /**
   * Flow control: once the bytes written but not sent yet (queued here, or held by the WebSocket:
   * its `bufferedAmount`) reach this mark, `writableNeedDrain` turns true (the Socket.IO
   * `socket.emit()` returns false) until `belowHighWaterMark`. Default 1e6 (1 MB); `Infinity`
   * turns it off.
   */
  writeBufferHighWaterMark: number;
  hostname: string;
  secure: boolean;
  port: string;
}

export type EngineOptionsInput = Partial<EngineOptions> & { host?: string };

function highWaterMark(value: number | undefined): number {
  if (value === undefined) return 1e6;
  if (typeof value !== "number" || !(value >= 0)) {
    throw Object.assign(new TypeError(`client option "writeBufferHighWaterMark" must be a number >= 0 (got ${String(value)})`), {
      code: "INVALID_HIGH_WATER_MARK",
    });
  }
  return value;
}

/** Fills defaults and reads host, port and scheme from the URI (or `location` in a browser). */
export function resolveEngineOptions(uri: string | undefined, input: EngineOptionsInput): EngineOptions {
  const loc = (globalThis as { location?: { protocol: string; hostname: string; port: string } }).location;
  let hostname = input.hostname ?? input.host ?? loc?.hostname ?? "localhost";
  let secure = input.secure ?? (loc ? loc.protocol === "https:" : false);
  let port = input.port ?? "";
  const query: Record<string, string> = {};
  if (uri) {
    const parsed = new URL(uri.includes("://") ? uri : `${secure ? "https" : "http"}://${uri}`);
    hostname = parsed.hostname.replace(/^\[|\]$/g, "");
    secure = parsed.protocol === "https:" || parsed.protocol === "wss:";
    port = parsed.port;
    parsed.searchParams.forEach((v, k) => (query[k] = v));
  } else if (!input.port && loc?.port) {
    port = loc.port;
  }
  if (!port) port = secure ? "443" : "80";
  const userQuery = typeof input.query === "string" ? Object.fromEntries(new URLSearchParams(input.query)) : input.query;
  const path = (input.path ?? "/engine.io").replace(/\/$/, "") + (input.addTrailingSlash === false ? "" : "/");
  return {
    path,
    query: { ...query, ...(userQuery ?? {}) },
    transports: input.transports ?? ["polling", "websocket"],
    upgrade: input.upgrade ?? true,
    rememberUpgrade: input.rememberUpgrade ?? false,
    tryAllTransports: input.tryAllTransports ?? false,
    transportOptions: input.transportOptions ?? {},
    extraHeaders: input.extraHeaders ?? {},
    withCredentials: input.withCredentials ?? false,
    timestampRequests: input.timestampRequests ?? false,
    timestampParam: input.timestampParam ?? "t",
    requestTimeout: input.requestTimeout ?? 0,
    protocols: input.protocols ?? [],
    closeOnBeforeunload: input.closeOnBeforeunload ?? false,
    addTrailingSlash: input.addTrailingSlash ?? true,
    forceBase64: input.forceBase64 ?? false,
    agent: input.agent ?? false,
    pfx: input.pfx,
    key: input.key,
    passphrase: input.passphrase,
    cert: input.cert,
    ca: input.ca,
    ciphers: input.ciphers,
    rejectUnauthorized: input.rejectUnauthorized,
    perMessageDeflate: input.perMessageDeflate ?? false,
    useNativeTimers: input.useNativeTimers ?? false,
    autoUnref: input.autoUnref ?? false,
    writeBufferHighWaterMark: highWaterMark(input.writeBufferHighWaterMark),
    hostname,
    secure,
    port,
  };
}
