import type { Socket as ClientSocket } from "socket.io-client";
import { SignJWT } from "jose";
import type { FrameworkOptions, Server } from "@switchboard/server";

/** One framework app serving Switchboard on loopback, as every e2e suite drives it. */
export interface RealtimeApp {
  url: string;
  io: Server;
  close(): Promise<void>;
}

/** Starts an app of one framework (Fastify, Express) with the given integration options. */
export type StartApp = (options: FrameworkOptions) => Promise<RealtimeApp>;

/** Resolves on `connect`, rejects with the `connect_error`. */
export function connected(socket: ClientSocket): Promise<ClientSocket> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

/** Resolves with the `connect_error` (rejects if the socket connects instead). */
export function refused(socket: ClientSocket): Promise<Error & { data?: { code?: string } }> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => reject(new Error("connected, expected a refusal")));
    socket.once("connect_error", resolve);
  });
}

export const SECRET = "e2e-secret-of-at-least-32-bytes!!";

/** An HS256 token for `sub`, expiring `expiresInSeconds` from now (negative: already expired). */
export async function signToken(sub: string, expiresInSeconds = 3600, secret = SECRET): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ name: sub })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(sub)
    .setIssuedAt(now - (expiresInSeconds < 0 ? 120 : 0))
    .setExpirationTime(now + expiresInSeconds)
    .sign(new TextEncoder().encode(secret));
}
