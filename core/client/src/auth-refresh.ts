import { AUTH_REFRESH_EVENT, type AuthRefreshReply } from "@switchboard/protocol";
import type { ConnectError } from "./socket.js";

/** Default time a server has to answer a token refresh. */
export const AUTH_REFRESH_TIMEOUT_MS = 10_000;

/** What `refreshAuth` needs of a client socket. */
export interface AuthRefreshTarget {
  readonly connected: boolean;
  auth: Record<string, unknown> | ((cb: (data: Record<string, unknown>) => void) => void) | undefined;
  timeout(ms: number): { emitWithAck(ev: string, ...args: unknown[]): Promise<unknown> };
}

/** A refused refresh: `data.code` says why (`invalid_token`, `token_expired`...), as in `connect_error`. */
export function authRefreshError(message: string, code: string): ConnectError & { data: { code: string } } {
  return Object.assign(new Error(message), { data: { code } });
}

/**
 * Hands a fresh `auth` (a new token) to the server on the live connection and resolves once the
 * server verified it; rejects with the server's `data.code` when it refused (the connection and the
 * old token stay as they were). On success the socket keeps the new auth for later reconnections,
 * unless its `auth` is a function (asked again at every connection anyway). Not connected: the new
 * auth is kept for the next connection, where the server verifies it.
 *
 * @example
 * await refreshAuth(socket, { token: await fetchFreshToken() });
 */
export async function refreshAuth(socket: AuthRefreshTarget, auth: Record<string, unknown>, timeoutMs = AUTH_REFRESH_TIMEOUT_MS): Promise<void> {
  if (typeof auth !== "object" || auth === null || Array.isArray(auth)) throw new TypeError("refreshAuth takes an object, e.g. { token }");
  const keep = () => {
    if (typeof socket.auth !== "function") socket.auth = { ...auth };
  };
  if (!socket.connected) {
    keep();
    return;
  }
  const reply = (await socket.timeout(timeoutMs).emitWithAck(AUTH_REFRESH_EVENT, auth)) as AuthRefreshReply | undefined;
  if (reply?.ok === true) {
    keep();
    return;
  }
  if (reply && reply.ok === false) throw authRefreshError(reply.message, reply.data?.code ?? "unauthorized");
  // A server that is not Switchboard answers nothing sensible (or the app answered the event itself).
  throw authRefreshError("the server does not support token refresh", "refresh_unsupported");
}
