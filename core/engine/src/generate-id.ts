import { randomFillSync } from "node:crypto";

const ID_BYTES = 15;
// Random bytes for 128 ids, drawn from the CSPRNG at once: one randomBytes() call per id cost
// more than the rest of a WebSocket connection's setup in the connect-rate profile. Each id uses
// its own bytes exactly once.
const pool = Buffer.allocUnsafe(ID_BYTES * 128);
let offset = pool.length;

/**
 * A random 20-character URL-safe id (15 random bytes in base64url), the format of Socket.IO's
 * socket ids and session ids. Never the Engine.IO id: that one authenticates HTTP requests.
 *
 * @example
 * generateId() // "kR3v0Yx_9bQm-2TqWc1L"
 */
export function generateId(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString("base64url", offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}
