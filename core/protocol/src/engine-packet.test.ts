import {
  decodeEnginePacket,
  decodeEnginePayload,
  encodeEnginePacket,
  encodeEnginePayload,
  ENGINE_PACKET_CODES,
  ENGINE_PROTOCOL,
  ProtocolError,
  RECORD_SEPARATOR,
  type EnginePacketType,
} from "@switchboard/protocol";

const TYPES = Object.keys(ENGINE_PACKET_CODES) as Array<Exclude<EnginePacketType, "error">>;

function expectProtocolError(fn: () => unknown, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ProtocolError);
  expect((caught as ProtocolError).code).toBe(code);
}

describe("engine packets", () => {
  it("exposes the protocol constants", () => {
    expect(ENGINE_PROTOCOL).toBe(4);
    expect(RECORD_SEPARATOR).toBe("\x1e");
    expect(ENGINE_PACKET_CODES).toEqual({ open: "0", close: "1", ping: "2", pong: "3", message: "4", upgrade: "5", noop: "6" });
  });

  it.each(TYPES)("round-trips a %s packet with and without text data", (type) => {
    const code = ENGINE_PACKET_CODES[type];
    expect(encodeEnginePacket({ type }, true)).toBe(code);
    expect(encodeEnginePacket({ type }, false)).toBe(code);
    expect(decodeEnginePacket(code)).toEqual({ type });
    expect(encodeEnginePacket({ type, data: "probe é💥" }, true)).toBe(`${code}probe é💥`);
    expect(decodeEnginePacket(`${code}probe é💥`)).toEqual({ type, data: "probe é💥" });
  });

  it("keeps the empty string as data distinct from no data on encode", () => {
    expect(encodeEnginePacket({ type: "message", data: "" }, true)).toBe("4");
    expect(decodeEnginePacket("4")).toEqual({ type: "message" });
  });

  it("encodes the open handshake as JSON text", () => {
    const handshake = JSON.stringify({ sid: "abc", upgrades: ["websocket"], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1e6 });
    expect(encodeEnginePacket({ type: "open", data: handshake }, false)).toBe("0" + handshake);
    expect(JSON.parse(decodeEnginePacket("0" + handshake).data as string)).toMatchObject({ sid: "abc" });
  });

  it("sends binary raw over WebSocket and as b+base64 over polling", () => {
    const bytes = Buffer.from([1, 2, 3]);
    expect(encodeEnginePacket({ type: "message", data: bytes }, true)).toBe(bytes);
    expect(encodeEnginePacket({ type: "message", data: bytes }, false)).toBe("bAQID");
  });

  it.each([
    ["ArrayBuffer", new Uint8Array([1, 2, 3]).buffer],
    ["Uint8Array", new Uint8Array([1, 2, 3])],
    ["Uint16Array", new Uint16Array([0x0201, 0x0003]).subarray(0, 2)],
    ["DataView on a slice", new DataView(new Uint8Array([9, 1, 2, 3, 9]).buffer, 1, 3)],
    ["Buffer slice of a pool", Buffer.from([9, 9, 1, 2, 3]).subarray(2)],
  ])("base64-encodes only the bytes of a %s view", (_name, data) => {
    const encoded = encodeEnginePacket({ type: "message", data }, false) as string;
    const bytes = Buffer.from(encoded.slice(1), "base64");
    if (data instanceof Uint16Array) expect(bytes).toEqual(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    else expect(bytes).toEqual(Buffer.from([1, 2, 3]));
  });

  it("rejects what it cannot encode with a TypeError (programmer error)", () => {
    expect(() => encodeEnginePacket({ type: "error" }, true)).toThrow(TypeError);
    expect(() => encodeEnginePacket({ type: "message", data: { not: "binary" } as never }, true)).toThrow(TypeError);
  });

  describe("decoding binary", () => {
    it("hands out Buffers by default and for nodebuffer", () => {
      const data = decodeEnginePacket("bAQID").data;
      expect(Buffer.isBuffer(data)).toBe(true);
      expect(data).toEqual(Buffer.from([1, 2, 3]));
      expect(Buffer.isBuffer(decodeEnginePacket(new Uint8Array([7]), "nodebuffer").data)).toBe(true);
    });

    it("hands out exact ArrayBuffers for arraybuffer, even from a pooled Buffer slice", () => {
      const pooled = Buffer.from([0, 0, 5, 6, 7, 0]).subarray(2, 5);
      const data = decodeEnginePacket(pooled, "arraybuffer").data;
      expect(data).toBeInstanceOf(ArrayBuffer);
      expect(Array.from(new Uint8Array(data as ArrayBuffer))).toEqual([5, 6, 7]);
      const fromBase64 = decodeEnginePacket("bBQYH", "arraybuffer").data as ArrayBuffer;
      expect(fromBase64).toBeInstanceOf(ArrayBuffer);
      expect(Array.from(new Uint8Array(fromBase64))).toEqual([5, 6, 7]);
    });

    it("treats every binary frame as a message, whatever its first byte", () => {
      expect(decodeEnginePacket(new Uint8Array([0x32, 1]))).toEqual({ type: "message", data: Buffer.from([0x32, 1]) });
      expect(decodeEnginePacket(new ArrayBuffer(0), "arraybuffer").data).toEqual(new ArrayBuffer(0));
    });

    it("passes invalid UTF-8 in binary frames through untouched", () => {
      const bytes = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x80]);
      expect(decodeEnginePacket(bytes).data).toEqual(bytes);
      expect(decodeEnginePacket("b" + bytes.toString("base64")).data).toEqual(bytes);
    });

    it("accepts padded and unpadded base64, and an empty one", () => {
      expect(decodeEnginePacket("bAQ==").data).toEqual(Buffer.from([1]));
      expect(decodeEnginePacket("bAQ").data).toEqual(Buffer.from([1]));
      expect(decodeEnginePacket("bAQI=").data).toEqual(Buffer.from([1, 2]));
      expect(decodeEnginePacket("b").data).toEqual(Buffer.alloc(0));
    });
  });

  describe("rejecting malformed packets with a typed error", () => {
    it.each(["", "7", "8hello", "x", "/", " 4", "-1", "\x1e"])("%j is an unknown type", (input) => {
      expectProtocolError(() => decodeEnginePacket(input), "INVALID_PACKET_TYPE");
    });

    it.each(["b!!!", "bA", "bA===", "b=", "bAQ=x", "bAQ==AQ==", "b AQ==", "bAQ\n"])("%j is bad base64", (input) => {
      expectProtocolError(() => decodeEnginePacket(input), "INVALID_ENCODING");
    });

    it.each([
      ["a number", 42],
      ["a plain object", { type: "message" }],
      ["a Blob", new Blob(["x"])],
      ["null", null],
    ])("%s is not a frame", (_name, input) => {
      expectProtocolError(() => decodeEnginePacket(input as never), "INVALID_ENCODING");
    });
  });
});

describe("engine payloads", () => {
  it("joins and splits polling payloads", () => {
    const payload = encodeEnginePayload([{ type: "message", data: "a" }, { type: "message", data: Buffer.from([1]) }, { type: "noop" }]);
    expect(payload).toBe("4a\x1ebAQ==\x1e6");
    const packets = decodeEnginePayload(payload);
    expect(packets.map((p) => p.type)).toEqual(["message", "message", "noop"]);
    expect(packets[1].data).toEqual(Buffer.from([1]));
  });

  it("round-trips one packet of every type and binary as arraybuffer", () => {
    const packets = TYPES.map((type) => ({ type, data: `${type}-data` }));
    expect(decodeEnginePayload(encodeEnginePayload(packets))).toEqual(packets);
    const [bin] = decodeEnginePayload(encodeEnginePayload([{ type: "message", data: new Uint8Array([4, 5]) }]), "arraybuffer");
    expect(bin.data).toBeInstanceOf(ArrayBuffer);
    expect(Array.from(new Uint8Array(bin.data as ArrayBuffer))).toEqual([4, 5]);
  });

  it("encodes an empty list as an empty string and a single packet without separator", () => {
    expect(encodeEnginePayload([])).toBe("");
    expect(encodeEnginePayload([{ type: "ping" }])).toBe("2");
  });

  it("keeps multi-byte text intact", () => {
    expect(decodeEnginePayload("4é\x1e4💥")).toEqual([
      { type: "message", data: "é" },
      { type: "message", data: "💥" },
    ]);
  });

  it.each([
    ["", "INVALID_PAYLOAD"],
    ["7", "INVALID_PACKET_TYPE"],
    ["x", "INVALID_PACKET_TYPE"],
    ["b!!!", "INVALID_ENCODING"],
    ["4a\x1e\x1e2", "INVALID_PACKET_TYPE"],
    ["4a\x1e", "INVALID_PACKET_TYPE"],
    ["\x1e4a", "INVALID_PACKET_TYPE"],
    ["4a\x1ebA=", "INVALID_ENCODING"],
  ])("rejects %j with %s", (input, code) => {
    expectProtocolError(() => decodeEnginePayload(input), code);
  });
});
