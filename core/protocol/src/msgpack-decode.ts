import { ProtocolError } from "./protocol-error.js";

/**
 * MessagePack decoding for untrusted input, reading both dialects of `encodeMsgpack`: what
 * `notepack.io` (behind `socket.io-msgpack-parser` and the official Redis adapter) writes, and
 * standard MessagePack as `@msgpack/msgpack` (the official Redis Streams adapter) writes it:
 *
 * - `bin` becomes a Node Buffer in Node and an ArrayBuffer elsewhere (notepack's Node and browser
 *   builds do the same); ext type 0 of other sizes (notepack's ArrayBuffers) becomes an ArrayBuffer;
 * - fixext 1 of type 0 is `undefined`, fixext 8 of type 0 a `Date`, ext type -1 a `Date` (timestamp);
 *   any other ext becomes `[type, bytes]`, as notepack returns it;
 * - a map key `__proto__` is an own property, never the prototype.
 *
 * Malformed input (truncated, trailing bytes, lengths beyond the input, nesting deeper than
 * 1000 levels) throws a {@link ProtocolError}.
 */

const textDecoder = new TextDecoder();
const NodeBuffer = (globalThis as { Buffer?: typeof import("node:buffer").Buffer }).Buffer;
const MAX_DEPTH = 1000;

function fail(message: string): never {
  throw new ProtocolError("INVALID_ENCODING", `msgpack: ${message}`);
}

class ByteReader {
  readonly view: DataView;
  offset = 0;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Reserves `n` bytes and returns where they start; throws when the input is shorter. */
  take(n: number): number {
    const at = this.offset;
    if (at + n > this.bytes.length) fail("truncated input");
    this.offset = at + n;
    return at;
  }

  u8(): number {
    return this.view.getUint8(this.take(1));
  }

  /** Fresh bytes (never a view on the input, which a caller may reuse). */
  copy(length: number): Uint8Array<ArrayBuffer> {
    const at = this.take(length);
    return this.bytes.slice(at, at + length);
  }
}

/** `bytes` is always a fresh copy (see ByteReader.copy): its whole buffer is the value. */
function binary(bytes: Uint8Array<ArrayBuffer>): ArrayBuffer | Uint8Array {
  return NodeBuffer ? NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes.buffer;
}

function str(r: ByteReader, length: number): string {
  const at = r.take(length);
  return textDecoder.decode(r.bytes.subarray(at, at + length));
}

function array(r: ByteReader, length: number, depth: number): unknown[] {
  // Every element takes at least one byte: a larger count is a lie, refused before allocating.
  if (length > r.bytes.length - r.offset) fail("array longer than the input");
  const out = new Array<unknown>(length);
  for (let i = 0; i < length; i++) out[i] = read(r, depth + 1);
  return out;
}

function map(r: ByteReader, length: number, depth: number): Record<string, unknown> {
  if (length * 2 > r.bytes.length - r.offset) fail("map longer than the input");
  const out: Record<string, unknown> = {};
  for (let i = 0; i < length; i++) {
    const key = String(read(r, depth + 1));
    const value = read(r, depth + 1);
    if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}

function ext(r: ByteReader, length: number): unknown {
  const type = r.view.getInt8(r.take(1));
  if (type === 0) {
    if (length === 1) {
      r.take(1);
      return undefined;
    }
    if (length === 8) {
      const at = r.take(8);
      return new Date(r.view.getInt32(at) * 2 ** 32 + r.view.getUint32(at + 4));
    }
    return r.copy(length).buffer;
  }
  if (type === -1) return timestamp(r, length);
  return [type, binary(r.copy(length))];
}

/** The standard timestamp extension (32, 64 and 96-bit forms). */
function timestamp(r: ByteReader, length: number): Date {
  const at = r.take(length);
  const v = r.view;
  if (length === 4) return new Date(v.getUint32(at) * 1000);
  if (length === 8) {
    const high = v.getUint32(at);
    const nanos = high >>> 2;
    const seconds = (high & 0x3) * 2 ** 32 + v.getUint32(at + 4);
    return new Date(seconds * 1000 + Math.floor(nanos / 1e6));
  }
  if (length === 12) return new Date((v.getInt32(at + 4) * 2 ** 32 + v.getUint32(at + 8)) * 1000 + Math.floor(v.getUint32(at) / 1e6));
  return fail(`timestamp of ${length} bytes`);
}

function read(r: ByteReader, depth: number): unknown {
  if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
  const b = r.u8();
  if (b < 0x80) return b;
  if (b < 0x90) return map(r, b & 0x0f, depth);
  if (b < 0xa0) return array(r, b & 0x0f, depth);
  if (b < 0xc0) return str(r, b & 0x1f);
  if (b >= 0xe0) return b - 0x100;
  const v = r.view;
  switch (b) {
    case 0xc0:
      return null;
    case 0xc2:
      return false;
    case 0xc3:
      return true;
    case 0xc4:
      return binary(r.copy(r.u8()));
    case 0xc5:
      return binary(r.copy(v.getUint16(r.take(2))));
    case 0xc6:
      return binary(r.copy(v.getUint32(r.take(4))));
    case 0xc7:
      return ext(r, r.u8());
    case 0xc8:
      return ext(r, v.getUint16(r.take(2)));
    case 0xc9:
      return ext(r, v.getUint32(r.take(4)));
    case 0xca:
      return v.getFloat32(r.take(4));
    case 0xcb:
      return v.getFloat64(r.take(8));
    case 0xcc:
      return r.u8();
    case 0xcd:
      return v.getUint16(r.take(2));
    case 0xce:
      return v.getUint32(r.take(4));
    case 0xcf: {
      const at = r.take(8);
      return v.getUint32(at) * 2 ** 32 + v.getUint32(at + 4);
    }
    case 0xd0:
      return v.getInt8(r.take(1));
    case 0xd1:
      return v.getInt16(r.take(2));
    case 0xd2:
      return v.getInt32(r.take(4));
    case 0xd3: {
      const at = r.take(8);
      return v.getInt32(at) * 2 ** 32 + v.getUint32(at + 4);
    }
    case 0xd4:
      return ext(r, 1);
    case 0xd5:
      return ext(r, 2);
    case 0xd6:
      return ext(r, 4);
    case 0xd7:
      return ext(r, 8);
    case 0xd8:
      return ext(r, 16);
    case 0xd9:
      return str(r, r.u8());
    case 0xda:
      return str(r, v.getUint16(r.take(2)));
    case 0xdb:
      return str(r, v.getUint32(r.take(4)));
    case 0xdc:
      return array(r, v.getUint16(r.take(2)), depth);
    case 0xdd:
      return array(r, v.getUint32(r.take(4)), depth);
    case 0xde:
      return map(r, v.getUint16(r.take(2)), depth);
    case 0xdf:
      return map(r, v.getUint32(r.take(4)), depth);
    default:
      return fail(`unknown byte 0x${b.toString(16)}`);
  }
}

/**
 * Decodes one MessagePack value that must fill the whole input (see the module comment).
 *
 * @example
 * decodeMsgpack(encodeMsgpack({ a: 1 })) // { a: 1 }
 */
export function decodeMsgpack(input: ArrayBuffer | ArrayBufferView): unknown {
  let bytes: Uint8Array;
  if (input instanceof ArrayBuffer) bytes = new Uint8Array(input);
  else if (ArrayBuffer.isView(input)) bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  else throw new ProtocolError("UNEXPECTED_TEXT", "msgpack: the input must be binary");
  const r = new ByteReader(bytes);
  const value = read(r, 0);
  if (r.offset !== bytes.length) fail(`${bytes.length - r.offset} trailing bytes`);
  return value;
}
