import { randomBytes } from "node:crypto";

/**
 * A random 20-character URL-safe id (15 random bytes in base64url), the format of Socket.IO's
 * socket ids and session ids. Never the Engine.IO id: that one authenticates HTTP requests.
 *
 * @example
 * generateId() // "kR3v0Yx_9bQm-2TqWc1L"
 */
export function generateId(): string {
  return randomBytes(15).toString("base64url");
}
