import createDebug from "debug";
import { AuthError } from "./auth-error.js";
import type { AuthCheck, AuthMiddleware, AuthOption } from "./auth-socket.js";

const debug = createDebug("switchboard:auth");

/**
 * Turns a custom check into a namespace middleware: its result goes on `socket.data.user`; a
 * thrown {@link AuthError} keeps its code, any other error refuses with `unauthorized`.
 *
 * @example
 * io.use(authenticate(async (socket) => sessions.lookup(socket.handshake.auth.sessionId)));
 */
export function authenticate<User>(check: AuthCheck<User>): AuthMiddleware {
  return (socket, next) => {
    let result: Promise<User>;
    try {
      result = Promise.resolve(check(socket));
    } catch (err) {
      result = Promise.reject(err);
    }
    result.then(
      (user) => {
        (socket.data as { user?: unknown }).user = user;
        next();
      },
      (err: unknown) => {
        debug("socket %s: check refused it: %s", socket.id, messageOf(err));
        next(err instanceof AuthError ? err : new AuthError(codeOf(err), messageOf(err)));
      },
    );
  };
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[a-z_]+$/.test(code) ? code : "unauthorized";
}

function messageOf(err: unknown): string {
  return err instanceof Error && err.message ? err.message : "unauthorized";
}

/**
 * What every integration's `auth` option accepts: a namespace middleware `(socket, next)` such as
 * `jwtAuth(...)`, or a custom check `(socket) => Promise<user>`.
 */
export function toAuthMiddleware(auth: AuthOption): AuthMiddleware {
  if (typeof auth !== "function") {
    throw Object.assign(new TypeError("auth must be a middleware (socket, next) or a check (socket) => user"), {
      code: "INVALID_AUTH_OPTION",
    });
  }
  return auth.length >= 2 ? auth : authenticate(auth as unknown as AuthCheck);
}
