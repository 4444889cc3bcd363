import { Decoder, Encoder } from "@switchboard/protocol";
import type { AttachOptions, EngineOptions } from "./engine/index.js";
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
}

export interface ResolvedServerOptions {
  path: string;
  serveClient: boolean;
  adapter: ServerOptions["adapter"] | undefined;
  parser: ParserLike;
  connectTimeout: number;
  connectionStateRecovery: Required<ConnectionStateRecoveryOptions> | undefined;
  cleanupEmptyChildNamespaces: boolean;
  /** Everything else, handed to the Engine untouched. */
  engine: Record<string, unknown>;
}

const DEFAULT_PARSER: ParserLike = { Encoder, Decoder } as unknown as ParserLike;

/** Fills the defaults and separates socket.io's options from the engine's. */
export function resolveServerOptions(opts: Partial<ServerOptions>): ResolvedServerOptions {
  const {
    path = "/socket.io",
    serveClient = true,
    adapter,
    parser = DEFAULT_PARSER,
    connectTimeout = 45000,
    connectionStateRecovery,
    cleanupEmptyChildNamespaces = false,
    ...engine
  } = opts;
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
    engine,
  };
}
