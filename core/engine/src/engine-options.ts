import type { IncomingMessage } from "node:http";
import type { CorsOptions } from "./cors-middleware.js";
import { resolveCookieOptions, type CookieOptions, type ResolvedCookieOptions } from "./cookie.js";

/** Transport names the engine knows. */
export type TransportName = "polling" | "websocket";

/** Answer of {@link EngineOptions.allowRequest}: an error message (or null) and whether to accept. */
export type AllowRequestCallback = (err: string | null | undefined, success: boolean) => void;

/** Options of `new Engine(opts)`, named and defaulted as in the `engine.io` 6.x server. */
export interface EngineOptions {
  /** Milliseconds between two server pings. Default 25000. */
  pingInterval?: number;
  /** Milliseconds to wait for a pong after a ping before closing with "ping timeout". Default 20000. */
  pingTimeout?: number;
  /** Milliseconds a probed upgrade may take before it is cancelled. Default 10000. */
  upgradeTimeout?: number;
  /** Largest message (WebSocket) or body (polling POST) in bytes. Default 1e6. */
  maxHttpBufferSize?: number;
  /** Transports accepted, in order of preference. Default `["polling", "websocket"]`. */
  transports?: TransportName[];
  /** Whether a polling session may upgrade to WebSocket. Default true. */
  allowUpgrades?: boolean;
  /**
   * Accept Engine.IO v3 clients (`socket.io-client` 2.x): a handshake whose `EIO` is not `4`.
   * Refused otherwise with `{"code":5,"message":"Unsupported protocol version"}`. Default false.
   */
  allowEIO3?: boolean;
  /** Accepts or refuses a handshake; refusing answers `{"code":4,"message":<err or "Forbidden">}` (403). */
  allowRequest?: (req: IncomingMessage, callback: AllowRequestCallback) => void;
  /** Message sent right after the handshake packet. */
  initialPacket?: string | Buffer;
  /** gzip/deflate for polling responses larger than `threshold` bytes. Default `{ threshold: 1024 }`. */
  httpCompression?: boolean | { threshold?: number };
  /** permessage-deflate options handed to `ws` (off by default: it costs CPU and memory). */
  perMessageDeflate?: boolean | { threshold?: number; [key: string]: unknown };
  /** Sets a cookie holding the session id on the handshake response. Default false. */
  cookie?: boolean | CookieOptions;
  /** CORS headers and preflight answers for the engine's path. Default off. */
  cors?: CorsOptions | boolean;
  /** URL path the engine answers on (used by `attach`). Default "/engine.io". */
  path?: string;
  /** Whether the path matched is `path + "/"` (what clients send by default). Default true. */
  addTrailingSlash?: boolean;
  /** Milliseconds a graceful close waits for a polling client to collect its close packet. Default 30000. */
  closeTimeout?: number;
  /**
   * Bound, in bytes, on what one session may hold for a client that does not read: packets queued
   * in the engine plus what the transport has not handed to the OS yet (`ws`'s `bufferedAmount`,
   * or the unsent part of a polling response). Text counts one byte per UTF-16 unit. When a write
   * would pass it, {@link writeBufferPolicy} applies. `Infinity` turns the bound off (socket.io's
   * behaviour). Default 1e7 (10 MB).
   *
   * @example
   * new Server(httpServer, { maxWriteBufferSize: 1e6, writeBufferPolicy: "drop-volatile" });
   */
  maxWriteBufferSize?: number;
  /**
   * What a full write buffer does. `"drop-volatile"` (default): volatile packets (`socket.volatile`)
   * are dropped first, the new one and those already queued; if the session is still over the
   * bound it is closed with reason `"write buffer full"`, the buffer discarded. `"close"`: closes
   * at once with that reason.
   */
  writeBufferPolicy?: WriteBufferPolicy;
  /**
   * Flow control: once what a session holds for its client (the same count as
   * {@link maxWriteBufferSize}) reaches this many bytes, `socket.writableNeedDrain` turns true
   * (the Socket.IO layer's `socket.emit()` then returns false), and the session emits
   * `belowHighWaterMark` when it falls back under. A producer that waits for it never reaches
   * `maxWriteBufferSize`. Must not exceed `maxWriteBufferSize`; `Infinity` turns it off.
   * Default 1e6 (1 MB), or half of `maxWriteBufferSize` when that is smaller than 2 MB.
   *
   * @example
   * new Server(httpServer, { writeBufferHighWaterMark: 256 * 1024 });
   */
  writeBufferHighWaterMark?: number;
  /**
   * Milliseconds a graceful shutdown (`engine.shutdown()`, `io.close()`) waits for sessions to
   * write what they hold and close; sessions still open then are dropped. Default 5000.
   */
  shutdownTimeout?: number;
}

/** See {@link EngineOptions.writeBufferPolicy}. */
export type WriteBufferPolicy = "drop-volatile" | "close";

/** Options of `engine.attach(server, opts)`. */
export interface AttachOptions {
  path?: string;
  addTrailingSlash?: boolean;
  /** Destroy upgrade requests no other listener answered (after `destroyUpgradeTimeout`). Default true. */
  destroyUpgrade?: boolean;
  /** Default 1000 ms. */
  destroyUpgradeTimeout?: number;
}

export interface ResolvedEngineOptions {
  pingInterval: number;
  pingTimeout: number;
  upgradeTimeout: number;
  maxHttpBufferSize: number;
  transports: TransportName[];
  allowUpgrades: boolean;
  allowEIO3: boolean;
  allowRequest: EngineOptions["allowRequest"];
  initialPacket: string | Buffer | undefined;
  httpCompression: { threshold: number } | false;
  perMessageDeflate: { threshold: number; [key: string]: unknown } | false;
  cookie: ResolvedCookieOptions | false;
  /** As given (`true` means the defaults), like engine.io's `opts.cors`. */
  cors: CorsOptions | boolean;
  path: string;
  addTrailingSlash: boolean;
  closeTimeout: number;
  maxWriteBufferSize: number;
  writeBufferPolicy: WriteBufferPolicy;
  writeBufferHighWaterMark: number;
  shutdownTimeout: number;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value >= 0)) throw new TypeError(`engine option "${name}" must be a number >= 0`);
  return value;
}

function writeBufferPolicy(value: unknown): WriteBufferPolicy {
  if (value === undefined) return "drop-volatile";
  if (value === "drop-volatile" || value === "close") return value;
  throw new TypeError(`engine option "writeBufferPolicy" must be "drop-volatile" or "close"`);
}

/** Stable code of the TypeError thrown for an invalid `writeBufferHighWaterMark`. */
export const INVALID_HIGH_WATER_MARK = "INVALID_HIGH_WATER_MARK";

/** The high-water mark of flow control: given (and at most `maxWriteBufferSize`), or derived from it. */
function writeBufferHighWaterMark(value: number | undefined, maxWriteBufferSize: number): number {
  if (value === undefined) return Math.min(1e6, maxWriteBufferSize / 2);
  let problem: string | undefined;
  if (typeof value !== "number" || !(value >= 0)) problem = "must be a number >= 0";
  else if (value > maxWriteBufferSize) problem = `must not exceed "maxWriteBufferSize" (${maxWriteBufferSize})`;
  if (problem === undefined) return value;
  throw Object.assign(new TypeError(`engine option "writeBufferHighWaterMark" ${problem} (got ${String(value)})`), { code: INVALID_HIGH_WATER_MARK });
}

/** Fills defaults and validates: programmer errors throw here, synchronously. */
export function resolveEngineOptions(opts: EngineOptions = {}): ResolvedEngineOptions {
  const transports: TransportName[] = [];
  for (const name of opts.transports ?? ["polling", "websocket"]) {
    if (name === "polling" || name === "websocket") transports.push(name);
    // engine.io also knows WebTransport (HTTP/3); not carried here, so it is left out, not an error.
    else if (name !== "webtransport") throw new TypeError(`unknown transport "${name as string}"`);
  }
  const compression = opts.httpCompression ?? true;
  const deflate = opts.perMessageDeflate ?? false;
  const cors = opts.cors ?? false;
  const maxWriteBufferSize = positive(opts.maxWriteBufferSize, 1e7, "maxWriteBufferSize");
  return {
    pingInterval: positive(opts.pingInterval, 25000, "pingInterval"),
    pingTimeout: positive(opts.pingTimeout, 20000, "pingTimeout"),
    upgradeTimeout: positive(opts.upgradeTimeout, 10000, "upgradeTimeout"),
    maxHttpBufferSize: positive(opts.maxHttpBufferSize, 1e6, "maxHttpBufferSize"),
    transports,
    allowUpgrades: opts.allowUpgrades ?? true,
    allowEIO3: opts.allowEIO3 ?? false,
    allowRequest: opts.allowRequest,
    initialPacket: opts.initialPacket,
    httpCompression: compression === false ? false : { threshold: 1024, ...(compression === true ? {} : compression) },
    perMessageDeflate: deflate === false ? false : { threshold: 1024, ...(deflate === true ? {} : deflate) },
    cookie: resolveCookieOptions(opts.cookie),
    cors,
    path: opts.path ?? "/engine.io",
    addTrailingSlash: opts.addTrailingSlash ?? true,
    closeTimeout: positive(opts.closeTimeout, 30000, "closeTimeout"),
    maxWriteBufferSize,
    writeBufferPolicy: writeBufferPolicy(opts.writeBufferPolicy),
    writeBufferHighWaterMark: writeBufferHighWaterMark(opts.writeBufferHighWaterMark, maxWriteBufferSize),
    shutdownTimeout: positive(opts.shutdownTimeout, 5000, "shutdownTimeout"),
  };
}
