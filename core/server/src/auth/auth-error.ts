/** Why a handshake was refused; the client reads it as `err.data.code` in `connect_error`. */
export type AuthErrorCode = "missing_token" | "invalid_token" | "token_expired" | "unauthorized" | (string & {});

/**
 * The error an auth middleware passes to `next()`. Socket.IO sends its `message` and `data` to the
 * client's `connect_error` listener.
 *
 * @example
 * socket.on("connect_error", (err) => { if (err.data?.code === "token_expired") refreshToken(); });
 */
export class AuthError extends Error {
  readonly data: { code: AuthErrorCode };

  constructor(code: AuthErrorCode, message: string) {
    super(message);
    this.name = "AuthError";
    this.data = { code };
  }
}
