import { createRequire } from "node:module";
import { decodeMsgpack, encodeMsgpack } from "./msgpack-codec.js";

// notepack.io is what the official Redis adapter and emitter use: it is the oracle.
const require = createRequire(import.meta.url);
const notepack = require("notepack.io") as { encode(v: unknown): Buffer; decode(b: Buffer): unknown };

const samples: Array<[string, unknown]> = [
  ["small ints", [0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 40]],
  ["negative ints", [-1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 40)]],
  ["floats", [0.5, -1.25, 1.5e-300, 3.14159, Number.MAX_SAFE_INTEGER + 2]],
  ["strings", ["", "a", "x".repeat(31), "x".repeat(32), "é€😀", "y".repeat(300), "z".repeat(70000)]],
  ["nested", { a: [1, { b: null, c: true, d: false }], e: "f", g: { h: [[], {}] } }],
  ["big array and map", { list: Array.from({ length: 20 }, (_, i) => i), map: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i])) }],
  ["buffers", [Buffer.from([1, 2, 3]), Buffer.alloc(300, 7), Buffer.alloc(70000, 9)]],
  ["broadcast", ["abc123", { type: 2, data: ["hello", { x: 1 }], nsp: "/" }, { rooms: ["r1"], except: [], flags: { volatile: true } }]],
];

describe("msgpack codec", () => {
  it.each(samples)("notepack decodes what we encode: %s", (_name, value) => {
    expect(notepack.decode(encodeMsgpack(value))).toEqual(value);
  });

  it.each(samples)("we decode what notepack encodes: %s", (_name, value) => {
    expect(decodeMsgpack(notepack.encode(value))).toEqual(value);
  });

  it("writes the same bytes as notepack for JSON-like values", () => {
    const value = { uid: "x", requestId: "y", type: 7, packet: { type: 2, data: ["e", 1, -5, 3.5, "s"], nsp: "/" } };
    expect(encodeMsgpack(value).equals(notepack.encode(value))).toBe(true);
  });

  it("carries undefined, Dates and ArrayBuffers with notepack's extensions", () => {
    const date = new Date(1_700_000_000_123);
    const ab = new Uint8Array([4, 5, 6]).buffer;
    const ours = decodeMsgpack(notepack.encode([undefined, date, ab])) as unknown[];
    expect(ours[0]).toBeUndefined();
    expect(ours[1]).toEqual(date);
    expect(Buffer.from(ours[2] as ArrayBuffer)).toEqual(Buffer.from([4, 5, 6]));
    const theirs = notepack.decode(encodeMsgpack([undefined, date, new Uint16Array([1, 2])])) as unknown[];
    expect(theirs[0]).toBeUndefined();
    expect(theirs[1]).toEqual(date);
    expect((theirs[2] as ArrayBuffer).byteLength).toBe(4);
  });

  it("skips functions in maps and refuses malformed input", () => {
    expect(decodeMsgpack(encodeMsgpack({ a: 1, f: () => 1 }))).toEqual({ a: 1 });
    expect(() => decodeMsgpack(Buffer.from([0x92, 0x01]))).toThrow(/end of input/);
    expect(() => decodeMsgpack(Buffer.from([0x01, 0x02]))).toThrow(/trailing/);
    expect(() => decodeMsgpack(Buffer.from([0xc1]))).toThrow(/unknown marker/);
  });

  it("keeps __proto__ keys as plain data", () => {
    const decoded = decodeMsgpack(Buffer.from([0x81, 0xa9, ...Buffer.from("__proto__"), 0x81, 0xa1, 0x78, 0x01])) as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(["__proto__"]);
  });
});

// @msgpack/msgpack is what @socket.io/redis-streams-adapter uses: the oracle of the "msgpack" dialect.
const msgpack = require("@msgpack/msgpack") as { encode(v: unknown): Uint8Array; decode(b: Uint8Array): unknown };

describe("msgpack codec, @msgpack/msgpack dialect", () => {
  const plain = samples.filter(([name]) => name !== "buffers");

  it.each(plain)("writes the same bytes as @msgpack/msgpack: %s", (_name, value) => {
    expect(encodeMsgpack(value, "msgpack").equals(Buffer.from(msgpack.encode(value)))).toBe(true);
  });

  it("writes every binary as bin, undefined as nil and Dates as timestamps, as @msgpack/msgpack does", () => {
    const dates = [new Date(0), new Date(1_700_000_000_000), new Date(1_700_000_000_123), new Date(-1500), new Date(2 ** 35 * 1000)];
    const value = { bin: Buffer.from([1, 2]), view: new Uint16Array([1, 2]), none: undefined, dates };
    const theirs = msgpack.decode(encodeMsgpack(value, "msgpack")) as Record<string, unknown>;
    expect(Buffer.from(theirs.bin as Uint8Array)).toEqual(Buffer.from([1, 2]));
    expect((theirs.view as Uint8Array).byteLength).toBe(4);
    expect(theirs.none).toBeNull();
    expect(theirs.dates).toEqual(dates);
    expect(encodeMsgpack(dates, "msgpack").equals(Buffer.from(msgpack.encode(dates)))).toBe(true);
    // An ArrayBuffer too (@msgpack/msgpack itself would write an empty map).
    expect(Buffer.from(msgpack.decode(encodeMsgpack(new Uint8Array([5]).buffer, "msgpack")) as Uint8Array)).toEqual(Buffer.from([5]));
  });

  it("reads what @msgpack/msgpack writes, timestamps included", () => {
    const dates = [new Date(0), new Date(1_700_000_000_123), new Date(-1500), new Date(2 ** 35 * 1000)];
    const value = { bin: new Uint8Array([9]), dates, nested: [{ a: null }] };
    const ours = decodeMsgpack(Buffer.from(msgpack.encode(value))) as Record<string, unknown>;
    expect(ours).toEqual({ bin: Buffer.from([9]), dates, nested: [{ a: null }] });
  });
});
