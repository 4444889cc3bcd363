/** Binary values a packet may carry, in Node (Buffer is a Uint8Array) and in browsers. */
export type BinaryData = ArrayBuffer | ArrayBufferView | Blob;

const hasBlob = typeof Blob === "function";
const NodeBuffer = (globalThis as { Buffer?: typeof import("node:buffer").Buffer }).Buffer;

/** True for ArrayBuffer, any typed array or DataView (Node's Buffer included), and Blob. */
export function isBinary(value: unknown): value is BinaryData {
  return (
    value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value) ||
    (hasBlob && value instanceof Blob)
  );
}

/**
 * Whether a value holds binary anywhere inside it (arrays, plain objects, `toJSON` results).
 * Bounded recursion keeps a hostile, deeply nested value from blowing the stack.
 */
export function hasBinary(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== "object" || depth > 1000) return false;
  if (isBinary(value)) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (hasBinary(item, depth + 1)) return true;
    return false;
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  // Like JSON.stringify, only the value itself may substitute its toJSON() result.
  if (typeof toJSON === "function" && depth === 0) {
    return hasBinary((toJSON as () => unknown).call(value), depth + 1);
  }
  for (const key in value) {
    if (Object.prototype.hasOwnProperty.call(value, key) && hasBinary((value as Record<string, unknown>)[key], depth + 1)) {
      return true;
    }
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

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes strict base64; returns null on malformed input instead of guessing. */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 === 1 || !BASE64_RE.test(text)) return null;
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
