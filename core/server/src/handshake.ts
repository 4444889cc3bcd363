import type { IncomingMessage } from "node:http";
import { parse as parseQuery } from "node:querystring";
import type { Handshake } from "./server-types.js";

/**
 * The `auth` of a CONNECT that carried none: a socket given it keeps nothing, and its handshake
 * gets an object of its own when first read (most clients send no auth).
 */
export const NO_AUTH: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * What a socket keeps of the request that opened its connection: references to the headers, the
 * parsed query and the CONNECT `auth`, never a copy of the request. A connection without an HTTP
 * request (a WebTransport session) has no headers nor query, and is secure.
 *
 * @example
 * buildHandshake(conn.request, conn.remoteAddress, { token: "abc" }).query.EIO // "4"
 */
export function buildHandshake(
  req: IncomingMessage | undefined,
  remoteAddress: string | undefined,
  auth: Record<string, unknown>,
  issued: number = Date.now(),
): Handshake {
  const url = req?.url ?? "";
  const q = url.indexOf("?");
  const now = new Date(issued);
  if (req === undefined) {
    return { headers: {}, time: now.toString(), address: remoteAddress ?? "", xdomain: false, secure: true, issued: now.getTime(), url, query: {}, auth };
  }
  return {
    headers: req.headers,
    time: now.toString(),
    address: remoteAddress ?? req.socket?.remoteAddress ?? "",
    xdomain: !!req.headers.origin,
    secure: !!(req.socket as { encrypted?: boolean } | undefined)?.encrypted,
    issued: now.getTime(),
    url,
    query: q === -1 ? {} : parseQuery(url.slice(q + 1)),
    auth,
  };
}
