import { createPublicKey, type KeyObject, type webcrypto } from "node:crypto";
import createDebug from "debug";
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { AuthError } from "./auth-error.js";
import type { AuthMiddleware, AuthSocket } from "./auth-socket.js";

const debug = createDebug("switchboard:auth");

/** Longest delay setTimeout keeps (about 24.8 days); later expiries are re-armed in steps. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

export interface JwtAuthOptions {
  /** Shared secret for HS256/384/512. */
  secret?: string | Uint8Array;
  /** Public key for RS*, PS*, ES* or EdDSA: PEM (SPKI), a KeyObject or a CryptoKey. */
  publicKey?: string | KeyObject | webcrypto.CryptoKey;
  /** URL of a JSON Web Key Set; keys are fetched and cached, and picked by `kid`. */
  jwksUrl?: string | URL;
  /** Accepted algorithms (recommended: a token's `alg` is otherwise only checked against the key type). */
  algorithms?: string[];
  issuer?: string | string[];
  audience?: string | string[];
  /** Leeway for `exp`/`nbf`, in seconds or as "30s". */
  clockTolerance?: string | number;
  /** Also read the token from this query parameter (off by default: URLs end up in logs). */
  queryKey?: string;
  /** Disconnect the socket when its token expires (default true). */
  disconnectOnExpiry?: boolean;
}

type VerifyKey = Uint8Array | KeyObject | webcrypto.CryptoKey | JWTVerifyGetKey;

function configError(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: "INVALID_JWT_AUTH_OPTIONS" });
}

function resolveKey(options: JwtAuthOptions): VerifyKey {
  const given = [options.secret, options.publicKey, options.jwksUrl].filter((k) => k !== undefined);
  if (given.length !== 1) throw configError("jwtAuth needs exactly one of: secret, publicKey, jwksUrl");
  if (options.secret !== undefined) {
    if (options.secret.length === 0) throw configError("jwtAuth: the secret is empty");
    return typeof options.secret === "string" ? new TextEncoder().encode(options.secret) : options.secret;
  }
  if (options.publicKey !== undefined) {
    return typeof options.publicKey === "string" ? createPublicKey(options.publicKey) : options.publicKey;
  }
  return createRemoteJWKSet(new URL(options.jwksUrl!));
}

/** The bearer token of a handshake: `auth.token`, then `Authorization: Bearer`, then the query key. */
export function readToken(socket: AuthSocket, queryKey?: string): string | undefined {
  const fromAuth = socket.handshake.auth?.token;
  if (typeof fromAuth === "string" && fromAuth.length > 0) return fromAuth.replace(/^Bearer\s+/i, "");
  const header = socket.handshake.headers.authorization;
  if (typeof header === "string") {
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (match) return match[1];
  }
  if (queryKey !== undefined) {
    const fromQuery = socket.handshake.query[queryKey];
    if (typeof fromQuery === "string" && fromQuery.length > 0) return fromQuery;
  }
  return undefined;
}

/** One expiry timer per socket: a refreshed token moves it instead of adding a second one. */
const expiryTimers = new WeakMap<AuthSocket, { timer: NodeJS.Timeout | undefined }>();

function disconnectAtExpiry(socket: AuthSocket, expiresAtMs: number): void {
  let state = expiryTimers.get(socket);
  if (state) {
    clearTimeout(state.timer);
  } else {
    const created: { timer: NodeJS.Timeout | undefined } = { timer: undefined };
    state = created;
    expiryTimers.set(socket, created);
    socket.once("disconnect", () => clearTimeout(created.timer));
  }
  const current = state;
  const arm = () => {
    const delay = expiresAtMs - Date.now();
    current.timer = setTimeout(delay > MAX_TIMER_DELAY ? arm : expire, Math.max(0, Math.min(delay, MAX_TIMER_DELAY)));
    // The timer alone must never keep a process alive.
    current.timer.unref();
  };
  const expire = () => {
    current.timer = undefined;
    if (socket.disconnected) return;
    debug("token of socket %s expired: disconnecting", socket.id);
    socket.disconnect();
  };
  arm();
}

/** Stops the expiry timer of a socket whose new token has no `exp`. */
function cancelExpiry(socket: AuthSocket): void {
  const state = expiryTimers.get(socket);
  if (state) clearTimeout(state.timer);
}

/** The subject of the claims a socket already holds (a recovered session, or before a refresh). */
function heldSubject(socket: AuthSocket): unknown {
  const user: unknown = (socket.data as { user?: unknown } | undefined)?.user;
  return typeof user === "object" && user !== null ? (user as { sub?: unknown }).sub : undefined;
}

/**
 * A namespace middleware that verifies a JWT (with `jose`) at handshake time, puts its claims on
 * `socket.data.user`, refuses with a `connect_error` whose `data.code` is `missing_token`,
 * `invalid_token` or `token_expired`, and disconnects the socket when the token expires.
 *
 * It runs on every handshake, recovered sessions included (their token is verified again and the
 * expiry timer armed anew), and on every token refresh (AUTH_REFRESH_EVENT), which moves the timer.
 * A socket that already holds claims (a recovered session, a live connection) is refused with
 * `unauthorized` when the new token names another subject (`sub`).
 *
 * @example
 * io.use(jwtAuth({ secret: process.env.JWT_SECRET, algorithms: ["HS256"], issuer: "me" }));
 * // client: io({ auth: { token } }); server: socket.data.user.sub
 */
export function jwtAuth<Claims extends JWTPayload = JWTPayload>(options: JwtAuthOptions): AuthMiddleware {
  const key = resolveKey(options);
  const verifyOptions = {
    algorithms: options.algorithms,
    issuer: options.issuer,
    audience: options.audience,
    clockTolerance: options.clockTolerance,
  };
  const disconnectOnExpiry = options.disconnectOnExpiry ?? true;

  return (socket, next) => {
    const token = readToken(socket, options.queryKey);
    if (token === undefined) {
      next(new AuthError("missing_token", "authentication token missing"));
      return;
    }
    // jwtVerify has one overload for keys and one for key getters; both are valid here.
    jwtVerify(token, key as Uint8Array, verifyOptions).then(
      ({ payload }) => {
        const held = heldSubject(socket);
        if (held !== undefined && held !== payload.sub) {
          next(new AuthError("unauthorized", "the token is for another subject than this session"));
          return;
        }
        (socket.data as { user?: Claims }).user = payload as Claims;
        if (disconnectOnExpiry && typeof payload.exp === "number") disconnectAtExpiry(socket, payload.exp * 1000);
        else cancelExpiry(socket);
        next();
      },
      (err: unknown) => {
        // A bad token is routine: one line, no stack trace.
        debug("socket %s: token refused: %s", socket.id, err instanceof Error ? err.message : String(err));
        if (err instanceof errors.JWTExpired) next(new AuthError("token_expired", "authentication token expired"));
        else next(new AuthError("invalid_token", "authentication token invalid"));
      },
    );
  };
}
