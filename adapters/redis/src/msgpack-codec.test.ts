import { createRequire } from "node:module";
import { decodeMsgpack, encodeMsgpack } from "./msgpack-codec.js";

// The codec itself is @switchboard/protocol's (tested there): here, the dialects the adapters ask for.
const require = createRequire(import.meta.url);
const notepack = require("notepack.io") as { encode(v: unknown): Buffer };
const msgpack = require("@msgpack/msgpack") as { encode(v: unknown): Uint8Array };

describe("the Redis adapters' msgpack codec", () => {
  const value = ["uid", { type: 2, data: ["e", Buffer.from([1]), new Uint8Array([2, 3]).buffer, undefined, new Date(1_700_000_000_123)], nsp: "/" }];

  it("writes notepack.io's Node layout by default, as a Buffer", () => {
    const ours = encodeMsgpack(value);
    expect(Buffer.isBuffer(ours)).toBe(true);
    expect(ours.equals(notepack.encode(value))).toBe(true);
  });

  it("writes @msgpack/msgpack's layout in the msgpack dialect and reads both", () => {
    const plain = ["uid", { type: 2, data: ["e", 1, null, new Date(1_700_000_000_123)], nsp: "/" }];
    expect(encodeMsgpack(plain, "msgpack").equals(Buffer.from(msgpack.encode(plain)))).toBe(true);
    expect(decodeMsgpack(encodeMsgpack(plain, "msgpack"))).toEqual(plain);
    expect(decodeMsgpack(notepack.encode(plain))).toEqual(plain);
  });
});
