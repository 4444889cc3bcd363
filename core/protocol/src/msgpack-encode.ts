/**
 * MessagePack encoding with the conventions of `notepack.io`, the codec behind
 * `socket.io-msgpack-parser`, so that either side of a connection can be ours or theirs:
 *
 * - non-integer, NaN and infinite numbers are float 64; integers take the smallest int/uint form;
 * - `undefined` is fixext 1 of type 0 (an object's `undefined` values are kept, as notepack does);
 * - a `Date` is fixext 8 of type 0 holding its milliseconds;
 * - every ArrayBuffer and view (Node's Buffer included) is `bin`, whatever its offset;
 * - functions inside objects are skipped; other objects go through `toJSON` when they have one.
 *
 * Runs in browsers and Node alike (no Buffer needed).
 */

const textEncoder = new TextEncoder();

class ByteWriter {
  bytes = new Uint8Array(256);
  view = new DataView(this.bytes.buffer);
  length = 0;

  reserve(n: number): number {
    const at = this.length;
    if (at + n > this.bytes.length) {
      let size = this.bytes.length * 2;
      while (size < at + n) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.bytes.subarray(0, at));
      this.bytes = next;
      this.view = new DataView(next.buffer);
    }
    this.length = at + n;
    return at;
  }

  u8(value: number): void {
    const at = this.reserve(1); // first: reserve may replace this.bytes
    this.bytes[at] = value;
  }

  /** A marker byte followed by a big-endian unsigned value of `size` bytes (1, 2 or 4). */
  head(marker: number, size: 0 | 1 | 2 | 4, value: number): void {
    const at = this.reserve(1 + size);
    this.bytes[at] = marker;
    if (size === 1) this.view.setUint8(at + 1, value);
    else if (size === 2) this.view.setUint16(at + 1, value);
    else if (size === 4) this.view.setUint32(at + 1, value);
  }

  raw(data: Uint8Array): void {
    const at = this.reserve(data.length); // first: reserve may replace this.bytes
    this.bytes.set(data, at);
  }

  /** Two 32-bit halves of a value beyond 32 bits (as notepack splits them). */
  int64(marker: number, value: number): void {
    const at = this.reserve(9);
    this.bytes[at] = marker;
    this.view.setUint32(at + 1, Math.floor(value / 2 ** 32) >>> 0);
    this.view.setUint32(at + 5, value >>> 0);
  }
}

function writeLength(w: ByteWriter, length: number, fix: number, fixMax: number, m8: number, m16: number, m32: number, what: string): void {
  if (length < fixMax) w.u8(fix | length);
  else if (m8 !== 0 && length < 0x100) w.head(m8, 1, length);
  else if (length < 0x10000) w.head(m16, 2, length);
  else if (length < 0x100000000) w.head(m32, 4, length);
  else throw new RangeError(`msgpack: ${what} too large`);
}

function writeNumber(w: ByteWriter, value: number): void {
  if (!Number.isInteger(value)) {
    const at = w.reserve(9);
    w.bytes[at] = 0xcb;
    w.view.setFloat64(at + 1, value);
    return;
  }
  if (value >= 0) {
    if (value < 0x80) w.u8(value);
    else if (value < 0x100) w.head(0xcc, 1, value);
    else if (value < 0x10000) w.head(0xcd, 2, value);
    else if (value < 0x100000000) w.head(0xce, 4, value);
    else w.int64(0xcf, value);
    return;
  }
  if (value >= -0x20) w.u8(value & 0xff);
  else if (value >= -0x80) w.head(0xd0, 1, value & 0xff);
  else if (value >= -0x8000) w.head(0xd1, 2, value & 0xffff);
  else if (value >= -0x80000000) w.head(0xd2, 4, value >>> 0);
  else w.int64(0xd3, value);
}

function writeBinary(w: ByteWriter, data: ArrayBuffer | ArrayBufferView): void {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.length < 0x100) w.head(0xc4, 1, bytes.length);
  else if (bytes.length < 0x10000) w.head(0xc5, 2, bytes.length);
  else if (bytes.length < 0x100000000) w.head(0xc6, 4, bytes.length);
  else throw new RangeError("msgpack: binary too large");
  w.raw(bytes);
}

const MAX_DEPTH = 1000;

function write(w: ByteWriter, value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new RangeError(`msgpack: value nested deeper than ${MAX_DEPTH} levels (or cyclic)`);
  switch (typeof value) {
    case "string": {
      const bytes = textEncoder.encode(value);
      writeLength(w, bytes.length, 0xa0, 0x20, 0xd9, 0xda, 0xdb, "string");
      w.raw(bytes);
      return;
    }
    case "number":
      return writeNumber(w, value);
    case "boolean":
      return w.u8(value ? 0xc3 : 0xc2);
    case "undefined":
      w.u8(0xd4);
      w.u8(0);
      w.u8(0);
      return;
    case "object":
      break;
    default:
      throw new TypeError(`msgpack: cannot encode a ${typeof value}`);
  }
  if (value === null) return w.u8(0xc0);
  if (Array.isArray(value)) {
    writeLength(w, value.length, 0x90, 0x10, 0, 0xdc, 0xdd, "array");
    for (let i = 0; i < value.length; i++) write(w, value[i], depth + 1);
    return;
  }
  if (value instanceof Date) {
    w.u8(0xd7);
    w.u8(0);
    const at = w.reserve(8);
    const time = value.getTime();
    w.view.setInt32(at, Math.floor(time / 2 ** 32));
    w.view.setUint32(at + 4, time >>> 0);
    return;
  }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return writeBinary(w, value);
  if (typeof Blob === "function" && value instanceof Blob) {
    throw new TypeError("msgpack: a Blob cannot be encoded synchronously; send its ArrayBuffer (await blob.arrayBuffer())");
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return write(w, toJSON.call(value), depth + 1);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((key) => typeof record[key] !== "function");
  writeLength(w, keys.length, 0x80, 0x10, 0, 0xde, 0xdf, "object");
  for (const key of keys) {
    write(w, key, depth + 1);
    write(w, record[key], depth + 1);
  }
}

/**
 * Encodes a value as MessagePack, notepack.io-compatible (see the module comment).
 *
 * @example
 * encodeMsgpack({ type: 2, nsp: "/", data: ["hello", new Uint8Array([1, 2])] })
 */
export function encodeMsgpack(value: unknown): Uint8Array {
  const w = new ByteWriter();
  write(w, value, 0);
  return w.bytes.slice(0, w.length);
}
