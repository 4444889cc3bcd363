import { randomBytes } from "node:crypto";
import { SignJWT, errors, jwtVerify } from "jose";
import { jwtAuth, type AuthMiddleware } from "@switchboard/server";

const ISSUER = "switchboard-chat";
const ALGORITHM = "HS256";

export interface ChatTokenOptions {
  /** The HMAC secret that signs and verifies tokens. Default `JWT_SECRET`, else a random one. */
  secret?: string;
  /** How long a token lasts; the page trades it for a fresh one before it expires. Default 15 minutes. */
  tokenTtlSeconds?: number;
}

/**
 * The chat's JWTs: made by its login route with `jose`, checked on every connection by the
 * server's `auth` option (`jwtAuth`). Without a configured secret a random one is drawn: tokens
 * then end with the process, and the page simply logs in again with the same name.
 *
 * @example
 * const tokens = new ChatTokens({ secret: process.env.JWT_SECRET });
 * new Server(httpServer, { auth: tokens.auth() });
 * const { token } = await tokens.sign("alice"); // the page: io({ auth: { token } })
 */
export class ChatTokens {
  readonly ttlSeconds: number;
  /** Whether the secret was drawn at random (no `secret` option, no `JWT_SECRET`). */
  readonly randomSecret: boolean;
  private readonly key: Uint8Array;

  constructor(options: ChatTokenOptions = {}) {
    const secret = options.secret ?? process.env.JWT_SECRET;
    this.randomSecret = !secret;
    this.key = secret ? new TextEncoder().encode(secret) : new Uint8Array(randomBytes(32));
    this.ttlSeconds = options.tokenTtlSeconds ?? 15 * 60;
    if (!(this.ttlSeconds > 0)) throw new TypeError(`chat option "tokenTtlSeconds" must be > 0, got ${options.tokenTtlSeconds}`);
  }

  /** A token naming `username` as its subject. */
  async sign(username: string): Promise<{ token: string; expiresAt: number }> {
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = now + this.ttlSeconds;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM })
      .setIssuer(ISSUER)
      .setSubject(username)
      .setIssuedAt(now)
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return { token, expiresAt: expiresAt * 1000 };
  }

  /** The username of a valid token; why it is refused otherwise. */
  async verify(token: string): Promise<{ username: string } | { error: "token_expired" | "invalid_token" }> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: [ALGORITHM], issuer: ISSUER });
      return typeof payload.sub === "string" ? { username: payload.sub } : { error: "invalid_token" };
    } catch (err) {
      return { error: err instanceof errors.JWTExpired ? "token_expired" : "invalid_token" };
    }
  }

  /** The server's `auth` option: every connection (and every recovery, every refresh) shows a valid token. */
  auth(): AuthMiddleware {
    return jwtAuth({ secret: this.key, algorithms: [ALGORITHM], issuer: ISSUER });
  }
}
