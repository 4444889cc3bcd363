/**
 * The event a client emits, with an acknowledgement, to hand a fresh `auth` (a new token) to a live
 * connection. Switchboard servers answer it themselves when the namespace is guarded by `auth`; it
 * never reaches the application's listeners.
 *
 * @example
 * const reply = await socket.emitWithAck(AUTH_REFRESH_EVENT, { token: freshToken }); // socket.io-client
 * if (!reply.ok) console.warn(reply.data.code);
 */
export const AUTH_REFRESH_EVENT = "switchboard:auth";

/** The acknowledgement of {@link AUTH_REFRESH_EVENT}: accepted, or refused with the same shape as a `connect_error`. */
export type AuthRefreshReply = { ok: true } | { ok: false; message: string; data: { code: string } };
