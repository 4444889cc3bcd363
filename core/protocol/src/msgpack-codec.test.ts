/**
 * The MessagePack codec's dialects against the official codecs, byte for byte: notepack.io in Node
 * (the official Redis adapter and emitter) and @msgpack/msgpack (the official Redis Streams adapter).
 * What socket.io-msgpack-parser peers see (the default options) is checked in msgpack-parser.test.ts.
 */
import { createRequire } from "node:module";
import { decodeMsgpack, encodeMsgpack, type MsgpackEncodeOptions } from "@switchboard/protocol";

const require = createRequire(import.meta.url);
const notepack = require("notepack.io") as { encode(v: unknown): Buffer; decode(b: Buffer): unknown };
const msgpack = require("@msgpack/msgpack") as { encode(v: unknown): Uint8Array; decode(b: Uint8Array): unknown };

const NOTEPACK_NODE: MsgpackEncodeOptions = { dialect: "notepack", arrayBuffersAsExt: true };
const MSGPACK: MsgpackEncodeOptions = { dialect: "msgpack" };
const bytes = (value: unknown, options?: MsgpackEncodeOptions) => Buffer.from(encodeMsgpack(value, options));

const samples: Array<[string, unknown]> = [
  ["small ints", [0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 40]],
  ["negative ints", [-1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 40)]],
  ["floats", [0.5, -1.25, 1.5e-300, 3.14159, Number.MAX_SAFE_INTEGER + 2]],
  ["strings", ["", "a", "x".repeat(31), "x".repeat(32), "é€😀", "é".repeat(100), "y".repeat(300), "z".repeat(70000)]],
  ["nested", { a: [1, { b: null, c: true, d: false }], e: "f", g: { h: [[], {}] } }],
  ["big array and map", { list: Array.from({ length: 20 }, (_, i) => i), map: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])) }],
  ["broadcast", ["abc123", { type: 2, data: ["hello", { x: 1 }], nsp: "/" }, { rooms: ["r1"], except: [], flags: { volatile: true } }]],
];

describe("msgpack codec, notepack.io's Node layout (arrayBuffersAsExt)", () => {
  it("writes the same bytes as notepack for Buffers, ArrayBuffers, undefined and Dates", () => {
    const value = {
      buf: Buffer.from([1, 2, 3]),
      big: Buffer.alloc(300, 7),
      ab: new Uint8Array([4, 5, 6]).buffer,
      none: undefined,
      date: new Date(1_700_000_000_123),
    };
    expect(bytes(value, NOTEPACK_NODE).equals(notepack.encode(value))).toBe(true);
  });

  it("writes integers beyond 2^53 as notepack does (64-bit), and reads them back", () => {
    const value = [2 ** 53 + 2, 2 ** 60, -(2 ** 60)];
    expect(bytes(value, NOTEPACK_NODE).equals(notepack.encode(value))).toBe(true);
    expect(decodeMsgpack(notepack.encode(value))).toEqual(value);
    // Beyond 64 bits notepack would wrap them: a float keeps the value.
    expect(decodeMsgpack(encodeMsgpack([2 ** 64, -(2 ** 64), 1e300]))).toEqual([2 ** 64, -(2 ** 64), 1e300]);
  });

  it("writes only a view's own bytes, as ext type 0 (notepack reads an ArrayBuffer)", () => {
    const theirs = notepack.decode(bytes([new Uint16Array([1, 2]), new Uint8Array([9, 8, 7]).subarray(1)], NOTEPACK_NODE)) as unknown[];
    expect(theirs[0]).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint16Array(theirs[0] as ArrayBuffer)]).toEqual([1, 2]);
    expect(theirs[1]).toEqual(Buffer.from([8, 7]));
  });

  it("reads what notepack writes: ArrayBuffers (ext 0), undefined and Dates", () => {
    const date = new Date(1_700_000_000_123);
    const ours = decodeMsgpack(notepack.encode([undefined, date, new Uint8Array([4, 5, 6]).buffer])) as unknown[];
    expect(ours[0]).toBeUndefined();
    expect(ours[1]).toEqual(date);
    expect(Buffer.from(ours[2] as ArrayBuffer)).toEqual(Buffer.from([4, 5, 6]));
  });
});

describe("msgpack codec, @msgpack/msgpack dialect", () => {
  it.each(samples)("writes the same bytes as @msgpack/msgpack: %s", (_name, value) => {
    expect(bytes(value, MSGPACK).equals(Buffer.from(msgpack.encode(value)))).toBe(true);
  });

  it("writes every binary as bin, undefined as nil and Dates as timestamps, as @msgpack/msgpack does", () => {
    const dates = [new Date(0), new Date(1_700_000_000_000), new Date(1_700_000_000_123), new Date(-1500), new Date(2 ** 35 * 1000)];
    const value = { bin: Buffer.from([1, 2]), view: new Uint16Array([1, 2]), none: undefined, dates };
    const theirs = msgpack.decode(bytes(value, MSGPACK)) as Record<string, unknown>;
    expect(Buffer.from(theirs.bin as Uint8Array)).toEqual(Buffer.from([1, 2]));
    expect((theirs.view as Uint8Array).byteLength).toBe(4);
    expect(theirs.none).toBeNull();
    expect(theirs.dates).toEqual(dates);
    expect(bytes(dates, MSGPACK).equals(Buffer.from(msgpack.encode(dates)))).toBe(true);
    // An ArrayBuffer too (@msgpack/msgpack itself would write an empty map).
    expect(Buffer.from(msgpack.decode(bytes(new Uint8Array([5]).buffer, MSGPACK)) as Uint8Array)).toEqual(Buffer.from([5]));
  });

  it("reads what @msgpack/msgpack writes, timestamps included", () => {
    const dates = [new Date(0), new Date(1_700_000_000_123), new Date(-1500), new Date(2 ** 35 * 1000)];
    const value = { bin: new Uint8Array([9]), dates, nested: [{ a: null }] };
    expect(decodeMsgpack(msgpack.encode(value))).toEqual({ bin: Buffer.from([9]), dates, nested: [{ a: null }] });
  });
});

describe("msgpack codec, both dialects", () => {
  it("skips functions in maps and refuses values no official codec encodes", () => {
    expect(decodeMsgpack(encodeMsgpack({ a: 1, f: () => 1 }))).toEqual({ a: 1 });
    expect(() => encodeMsgpack([1n], MSGPACK)).toThrow(TypeError);
    expect(() => encodeMsgpack([Symbol("s")])).toThrow(TypeError);
  });

  it("encodes inside a toJSON that encodes too (the shared buffer is not reused under it)", () => {
    const inner = { toJSON: () => Buffer.from(encodeMsgpack({ deep: "x".repeat(40) })) };
    const outer = decodeMsgpack(encodeMsgpack({ a: "b".repeat(40), inner })) as { a: string; inner: Buffer };
    expect(outer.a).toBe("b".repeat(40));
    expect(decodeMsgpack(outer.inner)).toEqual({ deep: "x".repeat(40) });
  });
});
