import { decodeEnginePacket, Decoder, Encoder, encodeEnginePacket, PacketType, ProtocolError, type Packet } from "@switchboard/protocol";

function collect(decoder = new Decoder()): { decoder: Decoder; packets: Packet[] } {
  const packets: Packet[] = [];
  decoder.on("decoded", (p: Packet) => packets.push(p));
  return { decoder, packets };
}

function decodeOne(...chunks: unknown[]): Packet {
  const { decoder, packets } = collect();
  for (const chunk of chunks) decoder.add(chunk);
  expect(packets).toHaveLength(1);
  return packets[0];
}

describe("Decoder", () => {
  it.each<[string, Packet]>([
    ["0", { type: PacketType.CONNECT, nsp: "/" }],
    ['0{"token":"abc"}', { type: PacketType.CONNECT, nsp: "/", data: { token: "abc" } }],
    ["0/admin,", { type: PacketType.CONNECT, nsp: "/admin" }],
    ["0/admin", { type: PacketType.CONNECT, nsp: "/admin" }],
    ['0/admin,{"sid":"s"}', { type: PacketType.CONNECT, nsp: "/admin", data: { sid: "s" } }],
    ["1", { type: PacketType.DISCONNECT, nsp: "/" }],
    ["1/admin,", { type: PacketType.DISCONNECT, nsp: "/admin" }],
    ["1/admin", { type: PacketType.DISCONNECT, nsp: "/admin" }],
    ['2["hello"]', { type: PacketType.EVENT, nsp: "/", data: ["hello"] }],
    ['2[42,"x"]', { type: PacketType.EVENT, nsp: "/", data: [42, "x"] }],
    ['213["q",{"a":null}]', { type: PacketType.EVENT, nsp: "/", data: ["q", { a: null }], id: 13 }],
    ['20["q"]', { type: PacketType.EVENT, nsp: "/", data: ["q"], id: 0 }],
    ['2/chat,7["q"]', { type: PacketType.EVENT, nsp: "/chat", data: ["q"], id: 7 }],
    ['2/a/b-c_d.e,["q"]', { type: PacketType.EVENT, nsp: "/a/b-c_d.e", data: ["q"] }],
    ['2/é💥,["q"]', { type: PacketType.EVENT, nsp: "/é💥", data: ["q"] }],
    ['35["ok"]', { type: PacketType.ACK, nsp: "/", data: ["ok"], id: 5 }],
    ["3/x,1[]", { type: PacketType.ACK, nsp: "/x", data: [], id: 1 }],
    [`3${Number.MAX_SAFE_INTEGER}[]`, { type: PacketType.ACK, nsp: "/", data: [], id: Number.MAX_SAFE_INTEGER }],
    ['4{"message":"Invalid namespace"}', { type: PacketType.CONNECT_ERROR, nsp: "/", data: { message: "Invalid namespace" } }],
    ['4/a,{"message":"no","data":{"code":1}}', { type: PacketType.CONNECT_ERROR, nsp: "/a", data: { message: "no", data: { code: 1 } } }],
    ['4"legacy message"', { type: PacketType.CONNECT_ERROR, nsp: "/", data: "legacy message" }],
  ])("decodes %j", (text, expected) => {
    expect(decodeOne(text)).toEqual(expected);
  });

  it("reassembles a BINARY_EVENT from its attachments, nested, in announced order", () => {
    const a = Buffer.from([1]);
    const b = new Uint8Array([2]).buffer;
    const packet = decodeOne('52-/admin,9["up",{"x":{"_placeholder":true,"num":1}},[{"_placeholder":true,"num":0}]]', a, b);
    expect(packet).toEqual({ type: PacketType.BINARY_EVENT, nsp: "/admin", id: 9, data: ["up", { x: b }, [a]] });
    expect(packet.data[1].x).toBe(b);
    expect(packet.data[2][0]).toBe(a);
    expect("attachments" in packet).toBe(false);
  });

  it("reassembles a BINARY_ACK, and the same attachment referenced twice", () => {
    const a = Buffer.from("z");
    const packet = decodeOne('61-4[{"_placeholder":true,"num":0},{"_placeholder":true,"num":0}]', a);
    expect(packet).toEqual({ type: PacketType.BINARY_ACK, nsp: "/", id: 4, data: [a, a] });
  });

  it("accepts typed arrays and DataViews as attachments", () => {
    const view = new DataView(new ArrayBuffer(1));
    const u16 = new Uint16Array([7]);
    const packet = decodeOne('52-["v",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]', view, u16);
    expect(packet.data[1]).toBe(view);
    expect(packet.data[2]).toBe(u16);
  });

  it("emits nothing until the last attachment, then continues with the next packet", () => {
    const { decoder, packets } = collect();
    decoder.add('52-["two",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
    decoder.add(Buffer.from("1"));
    expect(packets).toHaveLength(0);
    decoder.add(Buffer.from("2"));
    decoder.add('2["next"]');
    expect(packets.map((p) => p.type)).toEqual([PacketType.BINARY_EVENT, PacketType.EVENT]);
  });

  it("drops a half-received packet on destroy() and starts clean", () => {
    const { decoder, packets } = collect();
    decoder.add('51-["x",{"_placeholder":true,"num":0}]');
    decoder.destroy();
    decoder.add('2["after"]');
    expect(packets).toEqual([{ type: PacketType.EVENT, nsp: "/", data: ["after"] }]);
  });

  it("honours a reviver given directly or in the options", () => {
    const reviver = (key: string, value: unknown) => (key === "n" ? Number(value) * 2 : value);
    expect(collectWith(new Decoder(reviver), '2["x",{"n":2}]').data).toEqual(["x", { n: 4 }]);
    expect(collectWith(new Decoder({ reviver }), '2["x",{"n":3}]').data).toEqual(["x", { n: 6 }]);
  });

  it("honours maxAttachments", () => {
    const strict = new Decoder({ maxAttachments: 1 });
    expect(() => strict.add('52-["x",{"_placeholder":true,"num":0}]')).toThrow(ProtocolError);
    const loose = collect(new Decoder({ maxAttachments: 20 }));
    const placeholders = Array.from({ length: 20 }, (_, num) => ({ _placeholder: true, num }));
    loose.decoder.add(`520-${JSON.stringify(["many", ...placeholders])}`);
    for (let i = 0; i < 20; i++) loose.decoder.add(Buffer.from([i]));
    expect(loose.packets[0].data).toHaveLength(21);
  });

  it("lets a listener's own error through untouched (it is not a protocol error)", () => {
    const decoder = new Decoder();
    decoder.on("decoded", () => {
      throw new RangeError("listener bug");
    });
    expect(() => decoder.add('2["x"]')).toThrow(RangeError);
  });
});

function collectWith(decoder: Decoder, text: string): Packet {
  const { packets } = collect(decoder);
  decoder.add(text);
  return packets[0];
}

describe("Decoder inside Engine.IO message packets", () => {
  it.each<[string, Packet]>([
    ["40", { type: PacketType.CONNECT, nsp: "/" }],
    ["40/admin", { type: PacketType.CONNECT, nsp: "/admin" }],
    ["40/admin,", { type: PacketType.CONNECT, nsp: "/admin" }],
    ['40/admin,{"sid":"abc"}', { type: PacketType.CONNECT, nsp: "/admin", data: { sid: "abc" } }],
    ["41/admin,", { type: PacketType.DISCONNECT, nsp: "/admin" }],
    ['42["chat","hi"]', { type: PacketType.EVENT, nsp: "/", data: ["chat", "hi"] }],
    ['43/admin,12["ok"]', { type: PacketType.ACK, nsp: "/admin", id: 12, data: ["ok"] }],
    ['44/x,{"message":"Invalid namespace"}', { type: PacketType.CONNECT_ERROR, nsp: "/x", data: { message: "Invalid namespace" } }],
  ])("engine frame %j", (frame, expected) => {
    const engine = decodeEnginePacket(frame);
    expect(engine.type).toBe("message");
    expect(decodeOne(engine.data ?? "")).toEqual(expected);
  });

  it("carries a binary event as a text message then raw (WebSocket) or base64 (polling) attachments", () => {
    const file = Buffer.from([0xff, 0x00, 0x10]);
    const frames = new Encoder().encode({ type: PacketType.EVENT, nsp: "/up", data: ["file", { file }], id: 3 });
    for (const supportsBinary of [true, false]) {
      const wire = frames.map((f) => encodeEnginePacket({ type: "message", data: f as string | Uint8Array }, supportsBinary));
      expect(wire[0]).toBe('451-/up,3["file",{"file":{"_placeholder":true,"num":0}}]');
      expect(wire[1]).toEqual(supportsBinary ? file : "b/wAQ");
      const packet = decodeOne(...wire.map((w) => decodeEnginePacket(w as string | Uint8Array).data));
      expect(packet).toEqual({ type: PacketType.BINARY_EVENT, nsp: "/up", id: 3, data: ["file", { file }] });
    }
  });
});
