/**
 * A small MessagePack codec for the Redis adapters' messages, in two dialects:
 *
 * - `"notepack"` (default), the conventions of `notepack.io`, which the official Redis adapter
 *   and emitter use: Buffers and Uint8Arrays are `bin`, other ArrayBuffers/views are ext type 0,
 *   `undefined` is fixext 1 type 0 and a Date is fixext 8 type 0 (milliseconds);
 * - `"msgpack"`, the conventions of `@msgpack/msgpack`, which the official Redis Streams adapter
 *   uses: every binary is `bin`, `undefined` is nil and a Date is a timestamp (ext type -1).
 *
 * The decoder reads both.
 */

export type MsgpackDialect = "notepack" | "msgpack";

const EXT_ZERO = 0;
const EXT_TIMESTAMP = -1;

class Writer {
  private buf = Buffer.allocUnsafe(256);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b & 0xff;
  }

  uint(marker: number, bytes: 1 | 2 | 4, value: number): void {
    this.ensure(1 + bytes);
    this.buf[this.pos++] = marker;
    this.buf.writeUIntBE(value, this.pos, bytes);
    this.pos += bytes;
  }

  int(marker: number, bytes: 1 | 2 | 4, value: number): void {
    this.ensure(1 + bytes);
    this.buf[this.pos++] = marker;
    this.buf.writeIntBE(value, this.pos, bytes);
    this.pos += bytes;
  }

  double(value: number): void {
    this.ensure(9);
    this.buf[this.pos++] = 0xcb;
    this.buf.writeDoubleBE(value, this.pos);
    this.pos += 8;
  }

  int64(marker: number, value: number): void {
    this.ensure(9);
    this.buf[this.pos++] = marker;
    this.buf.writeUInt32BE(Math.floor(value / 2 ** 32) >>> 0, this.pos);
    this.buf.writeUInt32BE(value >>> 0, this.pos + 4);
    this.pos += 8;
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  result(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

/** `fix` is the fix-format prefix (with `fixMax` entries at most), `m8` the 8-bit length marker. */
function writeLength(w: Writer, length: number, fix: number | null, fixMax: number, m8: number | null, m16: number, m32: number): void {
  if (fix !== null && length < fixMax) w.byte(fix | length);
  else if (m8 !== null && length < 0x100) w.uint(m8, 1, length);
  else if (length < 0x10000) w.uint(m16, 2, length);
  else w.uint(m32, 4, length);
}

function writeNumber(w: Writer, n: number): void {
  if (!Number.isInteger(n) || !Number.isSafeInteger(n)) return w.double(n);
  if (n >= 0) {
    if (n < 0x80) w.byte(n);
    else if (n < 0x100) w.uint(0xcc, 1, n);
    else if (n < 0x10000) w.uint(0xcd, 2, n);
    else if (n < 0x100000000) w.uint(0xce, 4, n);
    else w.int64(0xcf, n);
  } else {
    if (n >= -0x20) w.byte(n);
    else if (n >= -0x80) w.int(0xd0, 1, n);
    else if (n >= -0x8000) w.int(0xd1, 2, n);
    else if (n >= -0x80000000) w.int(0xd2, 4, n);
    else w.int64(0xd3, n);
  }
}

/** A Date as a MessagePack timestamp (32, 64 or 96 bits, the smallest that holds it). */
function writeTimestamp(w: Writer, ms: number): void {
  const sec = Math.floor(ms / 1000);
  const nsec = (ms - sec * 1000) * 1e6;
  if (sec >= 0 && sec <= 0x3_ffff_ffff) {
    if (nsec === 0 && sec <= 0xffff_ffff) {
      w.byte(0xd6);
      w.byte(EXT_TIMESTAMP);
      return w.bytes(Buffer.from([sec >>> 24, (sec >>> 16) & 0xff, (sec >>> 8) & 0xff, sec & 0xff]));
    }
    w.byte(0xd7);
    w.byte(EXT_TIMESTAMP);
    const data = Buffer.alloc(8);
    data.writeUInt32BE((nsec * 4 + Math.floor(sec / 2 ** 32)) >>> 0, 0);
    data.writeUInt32BE(sec >>> 0, 4);
    return w.bytes(data);
  }
  w.uint(0xc7, 1, 12);
  w.byte(EXT_TIMESTAMP);
  const data = Buffer.alloc(12);
  data.writeUInt32BE(nsec, 0);
  data.writeBigInt64BE(BigInt(sec), 4);
  w.bytes(data);
}

function writeValue(w: Writer, value: unknown, depth: number, dialect: MsgpackDialect): void {
  if (depth > 100) throw new Error("msgpack: value nested too deeply");
  switch (typeof value) {
    case "string": {
      const data = Buffer.from(value, "utf8");
      writeLength(w, data.length, 0xa0, 32, 0xd9, 0xda, 0xdb);
      return w.bytes(data);
    }
    case "number":
      return writeNumber(w, value);
    case "boolean":
      return w.byte(value ? 0xc3 : 0xc2);
    case "undefined":
      if (dialect === "msgpack") return w.byte(0xc0);
      w.byte(0xd4);
      w.byte(EXT_ZERO);
      return w.byte(0);
    case "bigint":
      return writeNumber(w, Number(value));
    case "function":
    case "symbol":
      return w.byte(0xc0);
  }
  if (value === null) return w.byte(0xc0);
  if (Array.isArray(value)) {
    writeLength(w, value.length, 0x90, 16, null, 0xdc, 0xdd);
    for (const item of value) writeValue(w, item, depth + 1, dialect);
    return;
  }
  if (value instanceof Date) {
    if (dialect === "msgpack") return writeTimestamp(w, value.getTime());
    w.byte(0xd7);
    return w.int64(EXT_ZERO, value.getTime());
  }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    if (value instanceof Uint8Array || dialect === "msgpack") {
      writeLength(w, bytes.length, null, 0, 0xc4, 0xc5, 0xc6);
      return w.bytes(bytes);
    }
    if (bytes.length < 0x100) w.uint(0xc7, 1, bytes.length);
    else if (bytes.length < 0x10000) w.uint(0xc8, 2, bytes.length);
    else w.uint(0xc9, 4, bytes.length);
    w.byte(EXT_ZERO);
    return w.bytes(bytes);
  }
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === "function") return writeValue(w, withJson.toJSON(), depth + 1, dialect);
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => typeof v !== "function");
  writeLength(w, entries.length, 0x80, 16, null, 0xde, 0xdf);
  for (const [key, v] of entries) {
    writeValue(w, key, depth + 1, dialect);
    writeValue(w, v, depth + 1, dialect);
  }
}

/** Encodes a value as MessagePack, in the conventions of `notepack.io` unless told otherwise. */
export function encodeMsgpack(value: unknown, dialect: MsgpackDialect = "notepack"): Buffer {
  const w = new Writer();
  writeValue(w, value, 0, dialect);
  return w.result();
}

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error("msgpack: unexpected end of input");
  }

  u(bytes: 1 | 2 | 4): number {
    this.need(bytes);
    const v = this.buf.readUIntBE(this.pos, bytes);
    this.pos += bytes;
    return v;
  }

  i(bytes: 1 | 2 | 4): number {
    this.need(bytes);
    const v = this.buf.readIntBE(this.pos, bytes);
    this.pos += bytes;
    return v;
  }

  i64(signed: boolean): number {
    this.need(8);
    const hi = signed ? this.buf.readInt32BE(this.pos) : this.buf.readUInt32BE(this.pos);
    const lo = this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    return hi * 2 ** 32 + lo;
  }

  f(bytes: 4 | 8): number {
    this.need(bytes);
    const v = bytes === 4 ? this.buf.readFloatBE(this.pos) : this.buf.readDoubleBE(this.pos);
    this.pos += bytes;
    return v;
  }

  take(n: number): Buffer {
    this.need(n);
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  str(n: number): string {
    this.need(n);
    const s = this.buf.toString("utf8", this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  array(n: number, depth: number): unknown[] {
    const out: unknown[] = [];
    for (let k = 0; k < n; k++) out.push(this.value(depth + 1));
    return out;
  }

  map(n: number, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (let k = 0; k < n; k++) {
      const key = String(this.value(depth + 1));
      // Network input: never let a key reach the prototype.
      Object.defineProperty(out, key, { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  ext(length: number): unknown {
    const type = this.i(1);
    if (type === EXT_TIMESTAMP) return this.timestamp(length);
    if (type === EXT_ZERO && length === 1) {
      this.pos += 1;
      return undefined;
    }
    if (type === EXT_ZERO && length === 8) {
      return new Date(this.i64(true));
    }
    const data = this.take(length);
    if (type === EXT_ZERO) return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    return [type, data];
  }

  value(depth: number): unknown {
    if (depth > 100) throw new Error("msgpack: value nested too deeply");
    const b = this.u(1);
    if (b < 0x80) return b;
    if (b >= 0xe0) return b - 0x100;
    if ((b & 0xf0) === 0x80) return this.map(b & 0x0f, depth);
    if ((b & 0xf0) === 0x90) return this.array(b & 0x0f, depth);
    if ((b & 0xe0) === 0xa0) return this.str(b & 0x1f);
    switch (b) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return this.take(this.u(1));
      case 0xc5:
        return this.take(this.u(2));
      case 0xc6:
        return this.take(this.u(4));
      case 0xc7:
        return this.extVar(this.u(1));
      case 0xc8:
        return this.extVar(this.u(2));
      case 0xc9:
        return this.extVar(this.u(4));
      case 0xca:
        return this.f(4);
      case 0xcb:
        return this.f(8);
      case 0xcc:
        return this.u(1);
      case 0xcd:
        return this.u(2);
      case 0xce:
        return this.u(4);
      case 0xcf:
        return this.i64(false);
      case 0xd0:
        return this.i(1);
      case 0xd1:
        return this.i(2);
      case 0xd2:
        return this.i(4);
      case 0xd3:
        return this.i64(true);
      case 0xd4:
        return this.ext(1);
      case 0xd5:
        return this.ext(2);
      case 0xd6:
        return this.ext(4);
      case 0xd7:
        return this.ext(8);
      case 0xd8:
        return this.ext(16);
      case 0xd9:
        return this.str(this.u(1));
      case 0xda:
        return this.str(this.u(2));
      case 0xdb:
        return this.str(this.u(4));
      case 0xdc:
        return this.array(this.u(2), depth);
      case 0xdd:
        return this.array(this.u(4), depth);
      case 0xde:
        return this.map(this.u(2), depth);
      case 0xdf:
        return this.map(this.u(4), depth);
    }
    throw new Error(`msgpack: unknown marker 0x${b.toString(16)}`);
  }

  /** A MessagePack timestamp (ext type -1) as a Date. */
  private timestamp(length: number): Date {
    const data = this.take(length);
    if (length === 4) return new Date(data.readUInt32BE(0) * 1000);
    if (length === 8) {
      const high = data.readUInt32BE(0);
      const sec = (high & 0x3) * 2 ** 32 + data.readUInt32BE(4);
      return new Date(sec * 1000 + Math.floor((high >>> 2) / 1e6));
    }
    if (length === 12) return new Date(Number(data.readBigInt64BE(4)) * 1000 + Math.floor(data.readUInt32BE(0) / 1e6));
    throw new Error(`msgpack: timestamp of ${length} bytes`);
  }

  /** ext 8/16/32: type 0 carries an ArrayBuffer, as notepack.io writes them. */
  private extVar(length: number): unknown {
    const type = this.i(1);
    if (type === EXT_TIMESTAMP) return this.timestamp(length);
    const data = this.take(length);
    if (type === EXT_ZERO) return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    return [type, data];
  }
}

/** Decodes one MessagePack value; throws on malformed or trailing input. */
export function decodeMsgpack(input: Buffer): unknown {
  const reader = new Reader(input);
  const value = reader.value(0);
  if (reader.pos !== input.length) throw new Error(`msgpack: ${input.length - reader.pos} trailing bytes`);
  return value;
}
