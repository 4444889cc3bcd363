/** Binary values a packet may carry, in Node (Buffer is a Uint8Array) and in browsers. */
export type BinaryData = ArrayBuffer | ArrayBufferView | Blob;

const hasBlob = typeof Blob === "function";
const NodeBuffer = (globalThis as { Buffer?: typeof import("node:buffer").Buffer }).Buffer;

/** True for ArrayBuffer, any typed array or DataView (Node's Buffer included), and Blob. */
export function isBinary(value: unknown): value is BinaryData {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value) || (hasBlob && value instanceof Blob);
}

/** Deepest nesting the binary walkers follow; anything deeper is refused, not recursed into. */
export const MAX_BINARY_DEPTH = 1000;

/** Thrown internally when a walk goes deeper than {@link MAX_BINARY_DEPTH} (or meets a cycle). */
class TooDeep extends Error {}

/**
 * Whether a value holds binary anywhere inside it (arrays, plain objects, `toJSON` results, at
 * any level, as JSON.stringify would see them). Bounded recursion keeps a hostile, deeply nested
 * or cyclic value from blowing the stack or looping: past {@link MAX_BINARY_DEPTH} levels the
 * answer is `false`.
 *
 * @example
 * hasBinary(["file", { body: Buffer.from("x") }]) // true
 */
export function hasBinary(value: unknown, depth = 0): boolean {
  try {
    return walkForBinary(value, depth, false);
  } catch (err) {
    if (err instanceof TooDeep) return false;
    throw err;
  }
}

function walkForBinary(value: unknown, depth: number, fromToJSON: boolean): boolean {
  if (value === null || typeof value !== "object") return false;
  // Aborting the whole walk (rather than skipping the branch) keeps a cyclic value with several
  // self-references from costing 2^depth steps.
  if (depth > MAX_BINARY_DEPTH) throw new TooDeep();
  if (isBinary(value)) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (walkForBinary(value[i], depth + 1, false)) return true;
    return false;
  }
  if (value instanceof Date) return false;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  // JSON.stringify serialises what toJSON returns (once), so that is where binary would hide.
  if (typeof toJSON === "function" && !fromToJSON) {
    return walkForBinary((toJSON as () => unknown).call(value), depth + 1, true);
  }
  // Object.keys: own enumerable string keys, exactly what JSON.stringify visits, and faster than for...in.
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    if (walkForBinary((value as Record<string, unknown>)[keys[i]], depth + 1, false)) return true;
  }
  return false;
}

/** Bytes of a binary value as a Uint8Array view (no copy). Blobs are not synchronously readable. */
export function toUint8Array(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function encodeBase64(data: ArrayBuffer | ArrayBufferView): string {
  const bytes = toUint8Array(data);
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

// Whole quads, then an optional 2- or 3-character tail, padded or not (padding only at the end).
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** Decodes strict base64 (padded or unpadded); returns null on malformed input instead of guessing. */
export function decodeBase64(text: string): Uint8Array | null {
  if (!BASE64_RE.test(text)) return null;
  if (NodeBuffer) return NodeBuffer.from(text, "base64");
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

/** Byte length of a UTF-8 string without allocating it (for payload limits). */
export function utf8Length(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) length += 1;
    else if (c < 0x800) length += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      i++;
      length += 4;
    } else length += 3;
  }
  return length;
}
