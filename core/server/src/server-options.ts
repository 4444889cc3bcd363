import { Decoder, Encoder } from "@switchboard/protocol";
import { resolveNamespaceAuth, type AuthOption, type NamespaceAuth, type PublicNamespace } from "./auth/index.js";
import { resolveCookieOptions, type AttachOptions, type EngineOptions } from "@switchboard/engine";
import type { ConnectionStateRecoveryOptions, ParserLike } from "./server-types.js";

/** Options of `new Server(...)`: socket.io's own plus every engine option (passed to the Engine). */
export interface ServerOptions extends EngineOptions, AttachOptions {
  /** Path the server answers on. Default "/socket.io". */
  path: string;
  /** Whether the client bundle is served under `${path}/socket.io.js`. Default true. */
  serveClient: boolean;
  /** Adapter class (or factory) used for every namespace. Default the in-memory adapter. */
  adapter: (abstract new (nsp: any) => object) | ((nsp: any) => object); // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Custom parser, such as `socket.io-msgpack-parser`. Default the JSON parser. */
  parser: ParserLike;
  /** Milliseconds a connection has to join a namespace before it is closed. Default 45000. */
  connectTimeout: number;
  /** Replays missed events and restores id, rooms and data after a short disconnection. */
  connectionStateRecovery: ConnectionStateRecoveryOptions;
  /** Whether a dynamic child namespace is removed once its last socket leaves. Default false. */
  cleanupEmptyChildNamespaces: boolean;
  /**
   * Handshake auth on every namespace (static, created later, dynamic children) except
   * `publicNamespaces`: `jwtAuth(...)`, any `(socket, next)` middleware, or a check
   * `(socket) => user` whose result goes on `socket.data.user`. It runs before the namespaces'
   * own middlewares, again on a recovered session (even with `skipMiddlewares`), and on a client's
   * token refresh (`AUTH_REFRESH_EVENT`).
   *
   * @example
   * new Server({ auth: jwtAuth({ secret: process.env.JWT_SECRET! }), publicNamespaces: ["/status"] });
   */
  auth: AuthOption;
  /** Namespaces `auth` leaves open: exact names (`"/status"`) or patterns (`/^\/public-/`, dynamic children too). */
  publicNamespaces: PublicNamespace[];
}

export interface ResolvedServerOptions {
  path: string;
  serveClient: boolean;
  adapter: ServerOptions["adapter"] | undefined;
  parser: ParserLike;
  connectTimeout: number;
  connectionStateRecovery: Required<ConnectionStateRecoveryOptions> | undefined;
  cleanupEmptyChildNamespaces: boolean;
  /** The handshake auth and the namespaces it leaves public; undefined without `auth`. */
  auth: NamespaceAuth | undefined;
  /** Everything else, handed to the Engine untouched. */
  engine: Record<string, unknown>;
}

const DEFAULT_PARSER: ParserLike = { Encoder, Decoder };

/**
 * Fills the defaults and separates socket.io's options from the engine's. The `cookie` option is
 * validated here too, so `new Server({ cookie })` throws even before an engine exists.
 */
export function resolveServerOptions(opts: Partial<ServerOptions>): ResolvedServerOptions {
  const {
    path = "/socket.io",
    serveClient = true,
    adapter,
    parser = DEFAULT_PARSER,
    connectTimeout = 45000,
    connectionStateRecovery,
    cleanupEmptyChildNamespaces = false,
    auth,
    publicNamespaces,
    ...engine
  } = opts;
  resolveCookieOptions(engine.cookie);
  return {
    path: path.replace(/\/$/, ""),
    serveClient,
    adapter,
    parser,
    connectTimeout,
    connectionStateRecovery: connectionStateRecovery
      ? { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: true, ...connectionStateRecovery }
      : undefined,
    cleanupEmptyChildNamespaces,
    auth: resolveNamespaceAuth(auth, publicNamespaces),
    engine,
  };
}
