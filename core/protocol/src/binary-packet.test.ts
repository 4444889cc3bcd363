import { deconstructPacket, PacketType, ProtocolError, reconstructPacket, type Packet } from "@switchboard/protocol";

describe("deconstructPacket / reconstructPacket", () => {
  it("replaces binary by numbered placeholders and puts it back", () => {
    const a = Buffer.from("a");
    const b = new Uint8Array([1]);
    const packet: Packet = { type: PacketType.BINARY_EVENT, nsp: "/", data: ["x", { a, list: [b] }] };
    const { packet: text, buffers } = deconstructPacket(packet);
    expect(text.data).toEqual(["x", { a: { _placeholder: true, num: 0 }, list: [{ _placeholder: true, num: 1 }] }]);
    expect(text.attachments).toBe(2);
    expect(buffers).toEqual([a, b]);
    expect(packet.data[1].a).toBe(a);
    const back = reconstructPacket(JSON.parse(JSON.stringify(text)), buffers);
    expect(back.data).toEqual(["x", { a, list: [b] }]);
    expect(back.attachments).toBeUndefined();
  });

  it("follows toJSON like JSON.stringify and skips inherited keys", () => {
    const date = new Date(0);
    const inherited = Object.create({ hidden: Buffer.from("h") }) as Record<string, unknown>;
    inherited.own = 1;
    const withToJSON = { toJSON: () => ({ body: Buffer.from("j") }) };
    const { packet, buffers } = deconstructPacket({ type: PacketType.BINARY_EVENT, nsp: "/", data: ["x", date, inherited, withToJSON, Buffer.from("b")] });
    expect(JSON.parse(JSON.stringify(packet.data))).toEqual([
      "x",
      date.toJSON(),
      { own: 1 },
      { body: { _placeholder: true, num: 0 } },
      { _placeholder: true, num: 1 },
    ]);
    expect(buffers.map((b) => Buffer.from(b as Uint8Array).toString())).toEqual(["j", "b"]);
  });

  it("copies only the containers on a path to binary and returns binary-free data untouched", () => {
    const untouched = { a: [1, { b: "c" }] };
    const data = ["x", untouched, { bin: Buffer.from("1"), sibling: untouched }];
    const { packet, buffers } = deconstructPacket({ type: PacketType.BINARY_EVENT, nsp: "/", data });
    expect(buffers).toHaveLength(1);
    expect(packet.data).not.toBe(data);
    expect(packet.data[1]).toBe(untouched);
    expect(packet.data[2]).not.toBe(data[2]);
    expect(packet.data[2].sibling).toBe(untouched);
    expect(data[2]).toEqual({ bin: Buffer.from("1"), sibling: untouched });
    const plain = ["x", untouched];
    const none = deconstructPacket({ type: PacketType.BINARY_EVENT, nsp: "/", data: plain });
    expect(none.packet.data).toBe(plain);
    expect(none.buffers).toEqual([]);
    expect(none.packet.attachments).toBe(0);
  });

  it("throws a TypeError on cyclic data instead of looping", () => {
    const cyclic: Record<string, unknown> = { b: Buffer.from("x") };
    cyclic.self = cyclic;
    cyclic.again = cyclic;
    expect(() => deconstructPacket({ type: PacketType.BINARY_EVENT, nsp: "/", data: ["x", cyclic] })).toThrow(TypeError);
  });

  it.each([
    { _placeholder: true, num: 2 },
    { _placeholder: true, num: -1 },
    { _placeholder: true, num: 0.5 },
    { _placeholder: true, num: "0" },
    { _placeholder: true, num: "__proto__" },
    { _placeholder: true },
  ])("refuses the placeholder %j with INVALID_PLACEHOLDER", (placeholder) => {
    const packet: Packet = { type: PacketType.BINARY_EVENT, nsp: "/", data: ["x", placeholder], attachments: 2 };
    try {
      reconstructPacket(packet, [Buffer.from("0"), Buffer.from("1")].slice(0, 2));
      throw new Error("accepted");
    } catch (err) {
      expect(err).toBeInstanceOf(ProtocolError);
      expect((err as ProtocolError).code).toBe("INVALID_PLACEHOLDER");
    }
  });

  it("leaves objects whose _placeholder is not exactly true alone", () => {
    const data = ["x", { _placeholder: "true", num: 0 }, { _placeholder: 1, num: 0 }];
    expect(reconstructPacket({ type: PacketType.BINARY_EVENT, nsp: "/", data }, [Buffer.from("b")]).data).toEqual(data);
  });
});
