/** What the auth middlewares read from a socket: any Socket.IO server socket has it. */
export interface AuthSocket {
  readonly id: string;
  readonly handshake: {
    auth: Record<string, unknown>;
    headers: Record<string, string | string[] | undefined>;
    query: Record<string, unknown>;
  };
  // The user's SocketData type; the middleware only sets `data.user`.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
  readonly disconnected: boolean;
  disconnect(close?: boolean): unknown;
  once(event: "disconnect", listener: () => void): unknown;
}

/** A namespace middleware, as `io.use()` and `namespace.use()` take it. */
export type AuthMiddleware = (socket: AuthSocket, next: (err?: Error) => void) => void;

/** A custom check: resolves to what goes on `socket.data.user`, or throws to refuse. */
export type AuthCheck<User = unknown> = (socket: AuthSocket) => Promise<User> | User;

/**
 * The `auth` option of every integration: a middleware `(socket, next)` such as `jwtAuth(...)`, or a
 * check `(socket) => user`. One signature (not a union of both) so that `socket` is typed in either
 * form; which one it is shows at run time by the function's arity.
 *
 * @example
 * app.register(switchboard, { auth: async (socket) => users.byToken(socket.handshake.auth.token) });
 */
export type AuthOption = (socket: AuthSocket, next: (err?: Error) => void) => unknown;
