import { randomBytes } from "node:crypto";

/**
 * A fresh session id: 15 random bytes in URL-safe base64 (20 characters), like `base64id`.
 *
 * @example
 * generateId() // "a3Fz-Hk2_8QpLm0x1YbC"
 */
export function generateId(): string {
  return randomBytes(15).toString("base64url");
}
