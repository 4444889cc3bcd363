import type { IncomingMessage } from "node:http";
import type { PeerCertificate, TLSSocket } from "node:tls";

/**
 * What a session keeps of the TCP (or TLS) socket its handshake came on: the remote address and
 * port read once, so `request.socket.remoteAddress` still answers after the socket closed or went
 * back to the keep-alive pool, and the live socket (parser, buffers, stream state) is not held.
 */
export interface HandshakeSocketInfo {
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly remoteFamily: string | undefined;
  /** True over TLS (HTTPS, WSS), as on a `TLSSocket`. */
  readonly encrypted: boolean;
  /** TLS only: whether the peer's certificate was verified (`requestCert`). */
  readonly authorized?: boolean;
  readonly authorizationError?: Error;
  /** TLS only: the peer's certificate as the handshake saw it (`{}` when it sent none). */
  getPeerCertificate?(): PeerCertificate | object;
}

/**
 * The own properties of a Node `IncomingMessage` that are stream or parser state: never copied.
 * `res` and `next` are what express's router attaches (the response would hold its socket).
 */
const INTERNAL = new Set([
  "_events",
  "_eventsCount",
  "_maxListeners",
  "_readableState",
  "_consuming",
  "_dumped",
  "socket",
  "parser",
  "client",
  "connection",
  "complete",
  "aborted",
  "upgrade",
  "rawHeaders",
  "rawTrailers",
  "joinDuplicateHeaders",
  "statusCode",
  "statusMessage",
  "res",
  "next",
]);

/**
 * Header values that many connections send alike (a browser's user agent, `Upgrade`, the host):
 * each kept once, however many sessions hold them, instead of one copy per session. Values that
 * identify a client (keys, cookies, credentials) are never in this list, so never cached.
 */
const SHARED_HEADERS = new Set([
  "host",
  "connection",
  "upgrade",
  "sec-websocket-version",
  "sec-websocket-extensions",
  "user-agent",
  "accept",
  "accept-encoding",
  "accept-language",
  "cache-control",
  "pragma",
  "origin",
  "sec-ch-ua",
  "sec-ch-ua-mobile",
  "sec-ch-ua-platform",
  "sec-fetch-dest",
  "sec-fetch-mode",
  "sec-fetch-site",
  "x-forwarded-proto",
]);
/** Longest value worth sharing, and how many distinct values are kept before starting afresh. */
const MAX_SHARED_LENGTH = 512;
const MAX_SHARED_VALUES = 1024;
const sharedValues = new Map<string, string>();

/** The one kept copy of `value` (equal strings from separate requests are separate copies). */
function shared(value: string): string {
  if (value.length > MAX_SHARED_LENGTH) return value;
  const kept = sharedValues.get(value);
  if (kept !== undefined) return kept;
  if (sharedValues.size >= MAX_SHARED_VALUES) sharedValues.clear();
  sharedValues.set(value, value);
  return value;
}

/**
 * The query of `url` as engine.io parses it into `req._query` (last value of a repeated key).
 *
 * @example
 * parseUrlQuery("/socket.io/?EIO=4&transport=polling"); // { EIO: "4", transport: "polling" }
 */
export function parseUrlQuery(url: string | undefined): Record<string, string> {
  const query: Record<string, string> = {};
  const q = url === undefined ? -1 : url.indexOf("?");
  if (q !== -1) for (const [key, value] of new URLSearchParams(url!.slice(q + 1))) query[key] = value;
  return query;
}

/** Whether `query` is what {@link parseUrlQuery} makes of `url` (nothing added or changed since). */
function isQueryOf(query: Record<string, string>, url: string | undefined): boolean {
  const parsed = parseUrlQuery(url);
  const keys = Object.keys(query);
  if (keys.length !== Object.keys(parsed).length) return false;
  for (const key of keys) if (parsed[key] !== query[key]) return false;
  return true;
}

/** TLS details, read at the handshake (rare: most deployments end TLS in a proxy). */
function tlsInfo(socket: TLSSocket): Pick<HandshakeSocketInfo, "authorized" | "authorizationError" | "getPeerCertificate"> {
  let certificate: PeerCertificate | object | undefined;
  try {
    certificate = typeof socket.getPeerCertificate === "function" ? socket.getPeerCertificate() : undefined;
  } catch {
    certificate = undefined;
  }
  const peer = certificate ?? {};
  return { authorized: socket.authorized, authorizationError: socket.authorizationError, getPeerCertificate: () => peer };
}

/**
 * The handshake request as a session keeps it once the handshake is over: what applications read
 * afterwards (`headers`, `url`, `method`, `httpVersion`, the remote address and port under
 * `socket` and its alias `connection`) and every field a middleware
 * attached (`session` and `sessionID` from express-session, `user` and passport's helpers, custom
 * fields), without the `IncomingMessage` itself: its stream state, parser and socket.
 *
 * @example
 * io.engine.use(session({ secret: "s" }));
 * io.on("connection", (socket) => {
 *   socket.request.session;               // kept
 *   socket.request.socket.remoteAddress;  // kept, read at the handshake
 * });
 */
export class HandshakeRequest {
  headers: IncomingMessage["headers"];
  url: string | undefined;
  method: string | undefined;
  httpVersion: string;
  [field: string]: unknown;
  // Kept as fields, the socket object is built on first read (most applications never read it).
  readonly #remoteAddress: string | undefined;
  readonly #remotePort: number | undefined;
  readonly #tls: ReturnType<typeof tlsInfo> | undefined;
  #socket: HandshakeSocketInfo | undefined;
  // The engine's parse of `url` is not kept: parsed again if read (few applications do).
  #query: Record<string, string> | undefined;

  constructor(req: IncomingMessage) {
    const headers = req.headers;
    for (const name in headers) {
      const value = headers[name];
      if (typeof value === "string" && SHARED_HEADERS.has(name)) headers[name] = shared(value);
    }
    this.headers = headers;
    this.url = req.url === undefined ? undefined : shared(req.url);
    this.method = req.method;
    this.httpVersion = req.httpVersion === "1.1" ? "1.1" : req.httpVersion;
    // Only what net.Socket caches anyway once the remote address is read (the local address
    // would cost it another cached object per connection).
    const socket = req.socket as Partial<TLSSocket> | undefined | null;
    this.#remoteAddress = socket?.remoteAddress;
    this.#remotePort = socket?.remotePort;
    this.#tls = socket?.encrypted === true ? tlsInfo(socket as TLSSocket) : undefined;
    const query = (req as { _query?: Record<string, string> })._query;
    // Kept only when it says more than the url (an engine's `prepare` or a middleware added to it).
    if (query !== undefined && !isQueryOf(query, req.url)) this.#query = query;
    for (const key of Object.keys(req)) {
      if (INTERNAL.has(key) || key in this) continue;
      this[key] = (req as unknown as Record<string, unknown>)[key];
    }
  }

  /** The remote end of the handshake's connection, as read then. */
  get socket(): HandshakeSocketInfo {
    if (this.#socket === undefined) {
      const address = this.#remoteAddress;
      const family = address === undefined ? undefined : address.includes(":") ? "IPv6" : "IPv4";
      const base = { remoteAddress: address, remotePort: this.#remotePort, remoteFamily: family, encrypted: this.#tls !== undefined };
      this.#socket = this.#tls === undefined ? base : { ...base, ...this.#tls };
    }
    return this.#socket;
  }

  /** From `httpVersion` ("1.1": 1), as on `IncomingMessage`. */
  get httpVersionMajor(): number {
    return Number(this.httpVersion.split(".")[0]);
  }

  /** From `httpVersion` ("1.1": 1), as on `IncomingMessage`. */
  get httpVersionMinor(): number {
    return Number(this.httpVersion.split(".")[1] ?? 0);
  }

  /** The remote address read at the handshake, without building the `socket` object. */
  static remoteAddressOf(req: HandshakeRequest): string | undefined {
    return req.#remoteAddress;
  }

  /** The query of the handshake url, as engine.io keeps it on `req._query`. */
  get _query(): Record<string, string> {
    return (this.#query ??= parseUrlQuery(this.url));
  }

  set _query(query: Record<string, string>) {
    this.#query = query;
  }

  /** Alias of `socket`, as on `IncomingMessage`. */
  get connection(): HandshakeSocketInfo {
    return this.socket;
  }
}

/**
 * The request a session keeps after its handshake (see {@link HandshakeRequest}), typed as the
 * `IncomingMessage` it stands for so `socket.request` keeps its Socket.IO type.
 */
export function slimRequest(req: IncomingMessage): IncomingMessage {
  if (req instanceof HandshakeRequest) return req;
  return new HandshakeRequest(req) as unknown as IncomingMessage;
}
