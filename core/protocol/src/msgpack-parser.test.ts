/**
 * Oracle tests: the official socket.io-msgpack-parser (notepack.io underneath) against our
 * MessagePack parser. Our frames decode with theirs to the same packets and theirs with ours;
 * where both codecs have one representation of a value, the bytes are identical.
 */
import official from "socket.io-msgpack-parser";
import { decodeMsgpack, encodeMsgpack, MsgpackDecoder, MsgpackEncoder, msgpackParser, PacketType, ProtocolError, type Packet } from "@switchboard/protocol";

function theirEncode(packet: object): Uint8Array {
  const [frame] = new official.Encoder().encode(packet) as unknown as [Buffer];
  return frame;
}

function theirDecode(frame: Uint8Array): unknown {
  const decoder = new official.Decoder();
  let out: unknown;
  decoder.on("decoded", (p: unknown) => (out = p));
  decoder.add(Buffer.from(frame));
  return out;
}

function ourDecode(frame: Uint8Array | ArrayBuffer): Packet {
  const decoder = new MsgpackDecoder();
  let out: Packet | undefined;
  decoder.on("decoded", (p: Packet) => (out = p));
  decoder.add(frame);
  return out!;
}

function ourEncode(packet: Packet): Uint8Array {
  const frames = new MsgpackEncoder().encode(packet);
  expect(frames).toHaveLength(1);
  return frames[0];
}

const big = "x".repeat(70000);
const VALUES: Array<[string, unknown]> = [
  ["small ints", [0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1]],
  ["negative ints", [-1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1]],
  ["64-bit ints", [2 ** 32, 2 ** 40 + 5, Number.MAX_SAFE_INTEGER, -(2 ** 40) - 3, Number.MIN_SAFE_INTEGER]],
  ["floats", [0.5, -1.25, 1e-300, Math.PI, Infinity, -Infinity]],
  ["strings", ["", "a", "x".repeat(31), "x".repeat(32), "y".repeat(255), "z".repeat(256), big, "héllo wörld ✓ 🎉"]],
  ["null, booleans, undefined", [null, true, false, undefined]],
  ["nested objects", { a: { b: { c: [1, { d: "e" }] } }, list: Array.from({ length: 20 }, (_, i) => i) }],
  ["a map of 20 keys", Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, i]))],
  ["an array of 70000 items", Array.from({ length: 70000 }, (_, i) => i % 7)],
  ["a Date", [new Date(1_700_000_000_123), new Date(-86_400_000)]],
  ["Buffers", [Buffer.from([1, 2, 3]), Buffer.alloc(300, 7), Buffer.alloc(70000, 9)]],
];

describe("msgpack parser against socket.io-msgpack-parser", () => {
  test.each(VALUES)("%s: same bytes as theirs, and each side decodes the other's", (_name, value) => {
    const packet: Packet = { type: PacketType.EVENT, nsp: "/", data: ["ev", value], id: 12 };
    const ours = ourEncode(packet);
    const theirs = theirEncode({ type: PacketType.EVENT, nsp: "/", data: ["ev", value], id: 12 });
    expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
    expect(theirDecode(ours)).toEqual({ type: PacketType.EVENT, nsp: "/", data: ["ev", value], id: 12 });
    expect(ourDecode(theirs)).toEqual(packet);
  });

  test("typed arrays and ArrayBuffers are sent as bin (the other side reads Buffers)", () => {
    const bytes = new Uint8Array([9, 8, 7, 6, 5]);
    const view = bytes.subarray(1, 4);
    const frame = ourEncode({ type: PacketType.EVENT, nsp: "/", data: ["bin", bytes.buffer, view, new Uint16Array([1, 2])] });
    expect(theirDecode(frame)).toEqual({
      type: PacketType.EVENT,
      nsp: "/",
      data: ["bin", Buffer.from([9, 8, 7, 6, 5]), Buffer.from([8, 7, 6]), Buffer.from(new Uint16Array([1, 2]).buffer)],
    });
  });

  test("their ArrayBuffers (ext type 0) decode as ArrayBuffers, their Buffers as Buffers", () => {
    const ab = new Uint8Array([1, 2, 3, 4, 5]).buffer;
    const packet = ourDecode(theirEncode({ type: PacketType.EVENT, nsp: "/chat", data: ["x", ab, Buffer.from([6])] }));
    expect(packet.nsp).toBe("/chat");
    expect(packet.data[1]).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(packet.data[1] as ArrayBuffer)]).toEqual([1, 2, 3, 4, 5]);
    expect(Buffer.isBuffer(packet.data[2])).toBe(true);
  });

  test.each([
    ["CONNECT with auth", { type: PacketType.CONNECT, nsp: "/admin", data: { token: "abc" } }],
    ["CONNECT without data", { type: PacketType.CONNECT, nsp: "/" }],
    ["DISCONNECT", { type: PacketType.DISCONNECT, nsp: "/" }],
    ["ACK", { type: PacketType.ACK, nsp: "/", data: [null, "ok"], id: 3 }],
    ["CONNECT_ERROR (object)", { type: PacketType.CONNECT_ERROR, nsp: "/", data: { message: "nope", data: { why: 1 } } }],
    ["CONNECT_ERROR (string)", { type: PacketType.CONNECT_ERROR, nsp: "/", data: "Invalid namespace" }],
  ] as Array<[string, Packet]>)("%s round-trips both ways", (_name, packet) => {
    expect(theirDecode(ourEncode(packet))).toEqual(packet);
    expect(ourDecode(theirEncode(packet))).toEqual(packet);
  });

  test("only type, nsp, data and id go on the wire", () => {
    const frame = ourEncode({ type: PacketType.EVENT, nsp: "/", data: ["a"], options: { compress: true } } as Packet);
    expect(decodeMsgpack(frame)).toEqual({ type: 2, nsp: "/", data: ["a"] });
  });

  test("msgpackParser has socket.io-parser's module shape", () => {
    expect(msgpackParser.protocol).toBe(5);
    expect(new msgpackParser.Encoder()).toBeInstanceOf(MsgpackEncoder);
    expect(new msgpackParser.Decoder()).toBeInstanceOf(MsgpackDecoder);
  });
});

describe("msgpack decoder on hostile input", () => {
  const frame = (value: unknown) => encodeMsgpack(value);

  test.each([
    ["a type beyond CONNECT_ERROR", { type: 5, nsp: "/", data: ["a"] }, "INVALID_PACKET_TYPE"],
    ["a non-integer type", { type: 2.5, nsp: "/", data: ["a"] }, "INVALID_PACKET_TYPE"],
    ["a missing namespace", { type: 2, data: ["a"] }, "INVALID_PAYLOAD"],
    ["EVENT data that is not an array", { type: 2, nsp: "/", data: "a" }, "INVALID_PAYLOAD"],
    ["an empty EVENT", { type: 2, nsp: "/", data: [] }, "INVALID_PAYLOAD"],
    ["a reserved event name", { type: 2, nsp: "/", data: ["disconnect"] }, "INVALID_PAYLOAD"],
    ["DISCONNECT with data", { type: 1, nsp: "/", data: 1 }, "INVALID_PAYLOAD"],
    ["CONNECT with an array", { type: 0, nsp: "/", data: [1] }, "INVALID_PAYLOAD"],
    ["a negative ack id", { type: 3, nsp: "/", data: [], id: -1 }, "INVALID_PAYLOAD"],
    ["a string ack id", { type: 3, nsp: "/", data: [], id: "1" }, "INVALID_PAYLOAD"],
    ["a packet that is not a map", [2, "/"], "INVALID_PAYLOAD"],
  ])("refuses %s", (_name, value, code) => {
    expect(() => ourDecode(frame(value))).toThrow(expect.objectContaining({ code }));
  });

  test.each([
    ["a text frame", '2["a"]', "UNEXPECTED_TEXT"],
    ["truncated input", frame({ type: 2, nsp: "/", data: ["abc"] }).subarray(0, 10), "INVALID_ENCODING"],
    ["trailing bytes", Buffer.concat([frame({ type: 2, nsp: "/", data: ["a"] }), Buffer.from([0])]), "INVALID_ENCODING"],
    ["an array claiming 2^32-1 items", Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff, 0x01]), "INVALID_ENCODING"],
    ["a map claiming 65535 entries", Buffer.from([0xde, 0xff, 0xff, 0x01, 0x01]), "INVALID_ENCODING"],
    ["an unknown byte", Buffer.from([0xc1]), "INVALID_ENCODING"],
    ["nesting 5000 levels deep", Buffer.concat([Buffer.alloc(5000, 0x91), Buffer.from([0x01])]), "INVALID_ENCODING"],
  ])("refuses %s", (_name, input, code) => {
    const decoder = new MsgpackDecoder();
    let error: unknown;
    try {
      decoder.add(input);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe(code);
  });

  test("a __proto__ key is a plain own property", () => {
    // fixmap of 1: "__proto__" -> { polluted: true }
    const bytes = Buffer.concat([Buffer.from([0x81, 0xa9]), Buffer.from("__proto__"), encodeMsgpack({ polluted: true })]);
    const out = decodeMsgpack(bytes) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(out, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("a Blob cannot be encoded: the error says what to send instead", () => {
    expect(() => encodeMsgpack([new Blob(["x"])])).toThrow(/arrayBuffer/);
  });
});
