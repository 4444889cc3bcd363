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
  httpVersionMajor: number;
  httpVersionMinor: number;
  [field: string]: unknown;
  // Kept as fields, the socket object is built on first read (most applications never read it).
  readonly #remoteAddress: string | undefined;
  readonly #remotePort: number | undefined;
  readonly #tls: ReturnType<typeof tlsInfo> | undefined;
  #socket: HandshakeSocketInfo | undefined;

  constructor(req: IncomingMessage) {
    this.headers = req.headers;
    this.url = req.url;
    this.method = req.method;
    this.httpVersion = req.httpVersion;
    this.httpVersionMajor = req.httpVersionMajor;
    this.httpVersionMinor = req.httpVersionMinor;
    // Only what net.Socket caches anyway once the remote address is read (the local address
    // would cost it another cached object per connection).
    const socket = req.socket as Partial<TLSSocket> | undefined | null;
    this.#remoteAddress = socket?.remoteAddress;
    this.#remotePort = socket?.remotePort;
    this.#tls = socket?.encrypted === true ? tlsInfo(socket as TLSSocket) : undefined;
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
