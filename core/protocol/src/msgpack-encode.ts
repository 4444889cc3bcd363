/**
 * MessagePack encoding in the two dialects Socket.IO's peers speak:
 *
 * - `"notepack"` (default), the conventions of `notepack.io`, the codec behind
 *   `socket.io-msgpack-parser` and the official Redis adapter and emitter: `undefined` is
 *   fixext 1 of type 0 (an object's `undefined` values are kept), a `Date` is fixext 8 of type 0
 *   holding its milliseconds, integers up to 64 bits take the smallest int/uint form;
 * - `"msgpack"`, the conventions of `@msgpack/msgpack`, which the official Redis Streams adapter
 *   uses: `undefined` is nil, a `Date` is a timestamp (ext type -1), integers beyond 2^53 are floats.
 *
 * In both, other numbers are float 64, functions inside objects are skipped, other objects go
 * through `toJSON` when they have one, and every ArrayBuffer and view is `bin` (whatever its
 * offset), unless `arrayBuffersAsExt` asks for notepack.io's Node layout (see
 * {@link MsgpackEncodeOptions}). Runs in browsers and Node alike (no Buffer needed).
 */

export type MsgpackDialect = "notepack" | "msgpack";

export interface MsgpackEncodeOptions {
  /** Whose conventions to follow (see the module comment); `"notepack"` by default. */
  dialect?: MsgpackDialect;
  /**
   * With `"notepack"`: ArrayBuffers and views other than Uint8Array (Node's Buffer is one) become
   * ext type 0, as notepack.io writes them in Node (the official Redis adapter reads them back as
   * ArrayBuffers). Off by default: `bin` for every binary, as `socket.io-msgpack-parser` peers expect.
   */
  arrayBuffersAsExt?: boolean;
}

const textEncoder = new TextEncoder();
const MAX_DEPTH = 1000;
/** Strings longer than this are encoded apart rather than into a reservation of 3 bytes a character. */
const LONG_STRING = 0x4000;
/** The shared buffer is dropped after a message larger than this, so one big message does not stay in memory. */
const KEPT_BUFFER = 0x10000;

class ByteWriter {
  bytes = new Uint8Array(2048);
  view = new DataView(this.bytes.buffer);
  length = 0;
  busy = false;
  msgpack = false;
  arrayBuffersAsExt = false;

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
  head(marker: number, size: 1 | 2 | 4, value: number): void {
    const at = this.reserve(1 + size);
    this.bytes[at] = marker;
    if (size === 1) this.bytes[at + 1] = value;
    else if (size === 2) this.view.setUint16(at + 1, value);
    else this.view.setUint32(at + 1, value);
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
  if (Number.isInteger(value)) {
    if (value >= 0) {
      if (value < 0x80) return w.u8(value);
      if (value < 0x100) return w.head(0xcc, 1, value);
      if (value < 0x10000) return w.head(0xcd, 2, value);
      if (value < 0x100000000) return w.head(0xce, 4, value);
      if (value < (w.msgpack ? 2 ** 53 : 2 ** 64)) return w.int64(0xcf, value);
    } else {
      if (value >= -0x20) return w.u8(value & 0xff);
      if (value >= -0x80) return w.head(0xd0, 1, value & 0xff);
      if (value >= -0x8000) return w.head(0xd1, 2, value & 0xffff);
      if (value >= -0x80000000) return w.head(0xd2, 4, value >>> 0);
      if (value >= (w.msgpack ? Number.MIN_SAFE_INTEGER : -(2 ** 63))) return w.int64(0xd3, value);
    }
  }
  const at = w.reserve(9);
  w.bytes[at] = 0xcb;
  w.view.setFloat64(at + 1, value);
}

function writeString(w: ByteWriter, value: string): void {
  const n = value.length;
  if (n < 0x20) {
    // Short ASCII (most keys and event names): copied byte by byte, cheaper than a call to the encoder.
    const at = w.reserve(1 + n);
    const bytes = w.bytes;
    let i = 0;
    for (; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) break;
      bytes[at + 1 + i] = c;
    }
    if (i === n) {
      bytes[at] = 0xa0 | n;
      return;
    }
    w.length = at;
  }
  if (n > LONG_STRING) {
    const data = textEncoder.encode(value);
    writeLength(w, data.length, 0xa0, 0x20, 0xd9, 0xda, 0xdb, "string");
    return w.raw(data);
  }
  // Encoded in place after room for the largest header it may need, then moved back when smaller.
  const max = n * 3;
  const room = max < 0x20 ? 1 : max < 0x100 ? 2 : max < 0x10000 ? 3 : 5;
  const at = w.reserve(room + max);
  const written = textEncoder.encodeInto(value, w.bytes.subarray(at + room)).written;
  const size = written < 0x20 ? 1 : written < 0x100 ? 2 : written < 0x10000 ? 3 : 5;
  if (size < room) w.bytes.copyWithin(at + size, at + room, at + room + written);
  w.length = at;
  writeLength(w, written, 0xa0, 0x20, 0xd9, 0xda, 0xdb, "string");
  w.length = at + size + written;
}

function writeBinary(w: ByteWriter, data: ArrayBuffer | ArrayBufferView): void {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const n = bytes.length;
  if (n >= 0x100000000) throw new RangeError("msgpack: binary too large");
  if (w.arrayBuffersAsExt && !w.msgpack && !(data instanceof Uint8Array)) {
    if (n < 0x100) w.head(0xc7, 1, n);
    else if (n < 0x10000) w.head(0xc8, 2, n);
    else w.head(0xc9, 4, n);
    w.u8(0);
  } else if (n < 0x100) w.head(0xc4, 1, n);
  else if (n < 0x10000) w.head(0xc5, 2, n);
  else w.head(0xc6, 4, n);
  w.raw(bytes);
}

/** A Date as notepack's fixext 8 of type 0 (milliseconds), or as the smallest standard timestamp that holds it. */
function writeDate(w: ByteWriter, time: number): void {
  if (!w.msgpack) {
    const at = w.reserve(10);
    w.bytes[at] = 0xd7;
    w.bytes[at + 1] = 0;
    w.view.setUint32(at + 2, Math.floor(time / 2 ** 32) >>> 0);
    w.view.setUint32(at + 6, time >>> 0);
    return;
  }
  const sec = Math.floor(time / 1000);
  const nsec = (time - sec * 1000) * 1e6;
  if (sec >= 0 && sec < 2 ** 34) {
    const short = nsec === 0 && sec < 2 ** 32;
    const at = w.reserve(short ? 6 : 10); // first: reserve may replace w.bytes and w.view
    w.bytes[at] = short ? 0xd6 : 0xd7;
    w.bytes[at + 1] = 0xff;
    if (short) return w.view.setUint32(at + 2, sec);
    w.view.setUint32(at + 2, (nsec * 4 + Math.floor(sec / 2 ** 32)) >>> 0);
    return w.view.setUint32(at + 6, sec >>> 0);
  }
  const at = w.reserve(15);
  w.bytes[at] = 0xc7;
  w.bytes[at + 1] = 12;
  w.bytes[at + 2] = 0xff;
  w.view.setUint32(at + 3, nsec);
  w.view.setInt32(at + 7, Math.floor(sec / 2 ** 32));
  w.view.setUint32(at + 11, sec >>> 0);
}

function write(w: ByteWriter, value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new RangeError(`msgpack: value nested deeper than ${MAX_DEPTH} levels (or cyclic)`);
  switch (typeof value) {
    case "string":
      return writeString(w, value);
    case "number":
      return writeNumber(w, value);
    case "boolean":
      return w.u8(value ? 0xc3 : 0xc2);
    case "undefined":
      if (w.msgpack) return w.u8(0xc0);
      w.head(0xd4, 2, 0);
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
  if (value instanceof Date) return writeDate(w, value.getTime());
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return writeBinary(w, value);
  if (typeof Blob === "function" && value instanceof Blob) {
    throw new TypeError("msgpack: a Blob cannot be encoded synchronously; send its ArrayBuffer (await blob.arrayBuffer())");
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return write(w, toJSON.call(value), depth + 1);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let count = 0;
  for (let i = 0; i < keys.length; i++) if (typeof record[keys[i]] !== "function") count++;
  writeLength(w, count, 0x80, 0x10, 0, 0xde, 0xdf, "object");
  for (let i = 0; i < keys.length; i++) {
    const item = record[keys[i]];
    if (typeof item === "function") continue;
    writeString(w, keys[i]);
    write(w, item, depth + 1);
  }
}

const shared = new ByteWriter();

/**
 * Encodes a value as MessagePack (see the module comment); the result is a fresh copy.
 *
 * @example
 * encodeMsgpack({ type: 2, nsp: "/", data: ["hello", new Uint8Array([1, 2])] })
 * encodeMsgpack(message, { dialect: "msgpack" }) // as @msgpack/msgpack writes it
 */
export function encodeMsgpack(value: unknown, options?: MsgpackEncodeOptions): Uint8Array {
  // A toJSON may encode too: the shared buffer serves one call at a time.
  const w = shared.busy ? new ByteWriter() : shared;
  w.busy = true;
  w.length = 0;
  w.msgpack = options?.dialect === "msgpack";
  w.arrayBuffersAsExt = options?.arrayBuffersAsExt === true;
  try {
    write(w, value, 0);
    return w.bytes.slice(0, w.length);
  } finally {
    w.busy = false;
    if (w.bytes.length > KEPT_BUFFER) {
      w.bytes = new Uint8Array(2048);
      w.view = new DataView(w.bytes.buffer);
    }
  }
}
