import { decodeBase64, encodeBase64, hasBinary, isBinary, toUint8Array, utf8Length } from "@switchboard/protocol";
import { MAX_BINARY_DEPTH } from "./binary-data.js";

describe("binary helpers", () => {
  it.each([
    ["Buffer", Buffer.from("x"), true],
    ["ArrayBuffer", new ArrayBuffer(1), true],
    ["Uint8Array", new Uint8Array(1), true],
    ["Float64Array", new Float64Array(1), true],
    ["DataView", new DataView(new ArrayBuffer(1)), true],
    ["Blob", new Blob(["x"]), true],
    ["string", "x", false],
    ["plain object", { byteLength: 1 }, false],
    ["array of bytes", [1, 2], false],
    ["null", null, false],
  ])("isBinary(%s) is %s", (_name, value, expected) => {
    expect(isBinary(value)).toBe(expected);
  });

  it("hasBinary looks through arrays, objects and toJSON results at any depth", () => {
    expect(hasBinary(["a", { b: [1, { c: new Uint8Array(1) }] }])).toBe(true);
    expect(hasBinary(["a", { b: [1, { c: "x" }] }, null, undefined, 3])).toBe(false);
    expect(hasBinary({ toJSON: () => ({ x: Buffer.from("1") }) })).toBe(true);
    expect(hasBinary(["x", { nested: { toJSON: () => [new ArrayBuffer(1)] } }])).toBe(true);
    expect(hasBinary([new Date(), { toJSON: () => "text" }])).toBe(false);
  });

  it("hasBinary ignores inherited keys like JSON.stringify", () => {
    const proto = { inherited: Buffer.from("x") };
    expect(hasBinary(["x", Object.create(proto)])).toBe(false);
  });

  it("hasBinary gives up on too deep or cyclic values, quickly", () => {
    let deep: unknown[] = [];
    const root = deep;
    for (let i = 0; i < MAX_BINARY_DEPTH + 5; i++) {
      const next: unknown[] = [];
      deep.push(next);
      deep = next;
    }
    deep.push(Buffer.from("too deep to see"));
    expect(hasBinary(root)).toBe(false);
    // Three self-references would cost 3^1000 steps if each branch were explored to the limit.
    const cyclic: Record<string, unknown> = {};
    cyclic.a = cyclic;
    cyclic.b = cyclic;
    cyclic.c = cyclic;
    expect(hasBinary(cyclic)).toBe(false);
  });

  it("toUint8Array views the exact bytes of any view without copying", () => {
    const backing = new Uint8Array([0, 1, 2, 3]);
    const view = toUint8Array(new DataView(backing.buffer, 1, 2));
    expect(Array.from(view)).toEqual([1, 2]);
    expect(view.buffer).toBe(backing.buffer);
    expect(toUint8Array(backing)).toBe(backing);
    expect(Array.from(toUint8Array(backing.buffer))).toEqual([0, 1, 2, 3]);
  });

  it("base64 round-trips and refuses malformed text", () => {
    const bytes = new Uint8Array([0, 255, 128, 7, 42]);
    const text = encodeBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString("base64"));
    expect(Array.from(decodeBase64(text)!)).toEqual(Array.from(bytes));
    expect(Array.from(decodeBase64(text.replace(/=+$/, ""))!)).toEqual(Array.from(bytes));
    expect(decodeBase64("")).toEqual(new Uint8Array(0));
    for (const bad of ["A", "A=", "AB=C", "AB===", "====", "AP-_", "AQ==AQ==", " AQ==", "AQ==\n"]) expect(decodeBase64(bad)).toBeNull();
  });

  it("utf8Length counts bytes like Buffer.byteLength, lone surrogates included", () => {
    for (const text of ["", "abc", "é", "€", "💥", "a💥b€é", "\ud800", "\udfff", "x\ud800"]) {
      expect(utf8Length(text)).toBe(Buffer.byteLength(text, "utf8"));
    }
  });
});
