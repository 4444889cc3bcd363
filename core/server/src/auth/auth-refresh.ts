import createDebug from "debug";
import type { AuthRefreshReply } from "@switchboard/protocol";
import type { AuthMiddleware, AuthSocket } from "./auth-socket.js";

const debug = createDebug("switchboard:auth");

/** A socket whose handshake `auth` can be replaced (the server's Socket). */
export interface RefreshableSocket extends AuthSocket {
  /** Replaces `handshake.auth`; returns the previous value. */
  _replaceAuth(auth: Record<string, unknown>): Record<string, unknown>;
}

const refreshing = new WeakSet<object>();

function refusal(code: string, message: string): AuthRefreshReply {
  return { ok: false, message, data: { code } };
}

/**
 * Handles a client's AUTH_REFRESH_EVENT: runs the namespace's auth middleware again on the live
 * socket with the new `auth` (e.g. `{ token }`). Accepted: `handshake.auth` and `socket.data.user`
 * are the new ones and the middleware re-arms what it arms (jwtAuth moves the expiry timer).
 * Refused: nothing changes, the connection stays, and the ack says why.
 *
 * @example
 * // client: await socket.emitWithAck("switchboard:auth", { token: fresh }) -> { ok: true }
 */
export function refreshAuth(socket: RefreshableSocket, middleware: AuthMiddleware | undefined, args: unknown[]): void {
  const last = args[args.length - 1];
  const ack = typeof last === "function" ? (last as (reply: AuthRefreshReply) => void) : undefined;
  const reply = (answer: AuthRefreshReply) => {
    if (!answer.ok) debug("socket %s: auth refresh refused: %s", socket.id, answer.data.code);
    if (ack) ack(answer);
    else debug("socket %s: auth refresh without an ack, answer dropped", socket.id);
  };
  const auth = args[0];
  if (middleware === undefined) return reply(refusal("auth_not_configured", "this namespace has no auth to refresh"));
  if (typeof auth !== "object" || auth === null || Array.isArray(auth)) {
    return reply(refusal("invalid_auth", "the new auth must be an object, e.g. { token }"));
  }
  if (refreshing.has(socket)) return reply(refusal("refresh_in_progress", "an auth refresh is already in progress"));
  refreshing.add(socket);
  const previousAuth = socket._replaceAuth(auth as Record<string, unknown>);
  const previousUser: unknown = (socket.data as { user?: unknown } | undefined)?.user;
  let settled = false;
  const done = (err?: Error) => {
    if (settled) return debug("socket %s: auth middleware called next() twice on refresh", socket.id);
    settled = true;
    refreshing.delete(socket);
    if (socket.disconnected) return;
    if (err) {
      socket._replaceAuth(previousAuth);
      (socket.data as { user?: unknown }).user = previousUser;
      const code = (err as { data?: { code?: unknown } }).data?.code;
      return reply(refusal(typeof code === "string" ? code : "unauthorized", err.message || "unauthorized"));
    }
    reply({ ok: true });
  };
  try {
    middleware(socket, done);
  } catch (err) {
    done(err instanceof Error ? err : new Error(String(err)));
  }
}
