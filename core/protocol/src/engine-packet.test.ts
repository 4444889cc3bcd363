import { decodeEnginePacket, decodeEnginePayload, encodeEnginePacket, encodeEnginePayload, ProtocolError } from "@switchboard/protocol";

describe("engine packets", () => {
  it("encodes text packets with their type digit", () => {
    expect(encodeEnginePacket({ type: "message", data: "hello" }, true)).toBe("4hello");
    expect(encodeEnginePacket({ type: "ping" }, true)).toBe("2");
    expect(encodeEnginePacket({ type: "ping", data: "probe" }, false)).toBe("2probe");
  });

  it("sends binary raw over WebSocket and as b+base64 over polling", () => {
    const bytes = Buffer.from([1, 2, 3]);
    expect(encodeEnginePacket({ type: "message", data: bytes }, true)).toBe(bytes);
    expect(encodeEnginePacket({ type: "message", data: bytes }, false)).toBe("bAQID");
  });

  it("decodes text, base64 and binary frames", () => {
    expect(decodeEnginePacket("4hi")).toEqual({ type: "message", data: "hi" });
    expect(decodeEnginePacket("3")).toEqual({ type: "pong" });
    expect(decodeEnginePacket("bAQID").data).toEqual(Buffer.from([1, 2, 3]));
    const ab = decodeEnginePacket(new Uint8Array([9]), "arraybuffer").data;
    expect(ab).toBeInstanceOf(ArrayBuffer);
  });

  it("joins and splits polling payloads", () => {
    const payload = encodeEnginePayload([{ type: "message", data: "a" }, { type: "message", data: Buffer.from([1]) }, { type: "noop" }]);
    expect(payload).toBe("4a\x1ebAQ==\x1e6");
    const packets = decodeEnginePayload(payload);
    expect(packets.map((p) => p.type)).toEqual(["message", "message", "noop"]);
    expect(packets[1]!.data).toEqual(Buffer.from([1]));
  });

  it.each(["", "7", "x", "b!!!", "4a\x1e\x1e2"])("rejects %j with a typed error", (input) => {
    expect(() => decodeEnginePayload(input)).toThrow(ProtocolError);
  });
});
