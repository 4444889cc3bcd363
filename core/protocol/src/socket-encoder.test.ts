import { Decoder, Encoder, PacketType, SOCKET_PROTOCOL, type Packet } from "@switchboard/protocol";

const encoder = new Encoder();

function decodeAll(frames: unknown[]): Packet[] {
  const decoder = new Decoder();
  const out: Packet[] = [];
  decoder.on("decoded", (p: Packet) => out.push(p));
  for (const frame of frames) decoder.add(frame);
  return out;
}

describe("Encoder", () => {
  it("speaks protocol revision 5", () => {
    expect(SOCKET_PROTOCOL).toBe(5);
  });

  it.each<[string, Packet, string]>([
    ["CONNECT to /", { type: PacketType.CONNECT, nsp: "/" }, "0"],
    ["CONNECT with auth", { type: PacketType.CONNECT, nsp: "/", data: { token: "x" } }, '0{"token":"x"}'],
    ["CONNECT to /admin", { type: PacketType.CONNECT, nsp: "/admin" }, "0/admin,"],
    ["CONNECT reply", { type: PacketType.CONNECT, nsp: "/admin", data: { sid: "abc" } }, '0/admin,{"sid":"abc"}'],
    ["DISCONNECT", { type: PacketType.DISCONNECT, nsp: "/" }, "1"],
    ["DISCONNECT /admin", { type: PacketType.DISCONNECT, nsp: "/admin" }, "1/admin,"],
    ["EVENT", { type: PacketType.EVENT, nsp: "/", data: ["hello", 1, { a: [true, null] }] }, '2["hello",1,{"a":[true,null]}]'],
    ["EVENT with ack id", { type: PacketType.EVENT, nsp: "/", data: ["q"], id: 13 }, '213["q"]'],
    ["EVENT with ack id 0", { type: PacketType.EVENT, nsp: "/", data: ["q"], id: 0 }, '20["q"]'],
    ["EVENT in a namespace with ack", { type: PacketType.EVENT, nsp: "/chat", data: ["q"], id: 7 }, '2/chat,7["q"]'],
    ["EVENT named by a number", { type: PacketType.EVENT, nsp: "/", data: [42] }, "2[42]"],
    ["ACK", { type: PacketType.ACK, nsp: "/", data: ["ok"], id: 5 }, '35["ok"]'],
    ["ACK without arguments", { type: PacketType.ACK, nsp: "/x", data: [], id: 1 }, "3/x,1[]"],
    ["CONNECT_ERROR", { type: PacketType.CONNECT_ERROR, nsp: "/", data: { message: "Invalid namespace" } }, '4{"message":"Invalid namespace"}'],
    [
      "CONNECT_ERROR with data",
      { type: PacketType.CONNECT_ERROR, nsp: "/a", data: { message: "no", data: { code: 1 } } },
      '4/a,{"message":"no","data":{"code":1}}',
    ],
  ])("encodes %s as one text frame", (_name, packet, expected) => {
    expect(encoder.encode(packet)).toEqual([expected]);
  });

  it("escapes strings as JSON and drops undefined members like JSON.stringify", () => {
    expect(encoder.encode({ type: PacketType.EVENT, nsp: "/", data: ['a"b\\c\n', { u: undefined }, undefined] })).toEqual(['2["a\\"b\\\\c\\n",{},null]']);
  });

  it("calls toJSON like JSON.stringify does, at any depth", () => {
    const date = new Date("2024-01-02T03:04:05.000Z");
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
      toJSON() {
        return [this.x, this.y];
      }
    }
    expect(encoder.encode({ type: PacketType.EVENT, nsp: "/", data: ["t", date, { p: new Point(1, 2) }] })).toEqual([
      '2["t","2024-01-02T03:04:05.000Z",{"p":[1,2]}]',
    ]);
  });

  it("passes its replacer to JSON.stringify", () => {
    const redacting = new Encoder((key, value) => (key === "password" ? "***" : value));
    expect(redacting.encode({ type: PacketType.EVENT, nsp: "/", data: ["login", { user: "u", password: "p" }] })).toEqual([
      '2["login",{"user":"u","password":"***"}]',
    ]);
  });

  describe("binary", () => {
    it("turns an EVENT with a Buffer into BINARY_EVENT plus the attachment", () => {
      const buf = Buffer.from([1, 2, 3]);
      const frames = encoder.encode({ type: PacketType.EVENT, nsp: "/", data: ["file", buf] });
      expect(frames).toEqual(['51-["file",{"_placeholder":true,"num":0}]', buf]);
      expect(frames[1]).toBe(buf);
    });

    it("turns an ACK with binary into BINARY_ACK, keeping namespace and id", () => {
      const bytes = new Uint8Array([9]);
      expect(encoder.encode({ type: PacketType.ACK, nsp: "/admin", data: [bytes], id: 42 })).toEqual(['61-/admin,42[{"_placeholder":true,"num":0}]', bytes]);
    });

    it("numbers nested Buffers, typed arrays, ArrayBuffers and DataViews depth-first in order", () => {
      const a = Buffer.from("a");
      const b = new Uint16Array([1, 2]);
      const c = new ArrayBuffer(4);
      const d = new DataView(new ArrayBuffer(2));
      const frames = encoder.encode({ type: PacketType.EVENT, nsp: "/", data: ["mix", { a, list: [b, { deep: { c } }] }, d] });
      expect(frames[0]).toBe(
        '54-["mix",{"a":{"_placeholder":true,"num":0},"list":[{"_placeholder":true,"num":1},{"deep":{"c":{"_placeholder":true,"num":2}}}]},{"_placeholder":true,"num":3}]',
      );
      expect(frames.slice(1)).toEqual([a, b, c, d]);
    });

    it("finds binary returned by toJSON at any depth", () => {
      const holder = { toJSON: () => ({ body: Buffer.from("x") }) };
      const frames = encoder.encode({ type: PacketType.EVENT, nsp: "/", data: ["doc", { holder }] });
      expect(frames).toEqual(['51-["doc",{"holder":{"body":{"_placeholder":true,"num":0}}}]', Buffer.from("x")]);
    });

    it("does not change the caller's packet", () => {
      const packet: Packet = { type: PacketType.EVENT, nsp: "/", data: ["f", { b: Buffer.from("z") }] };
      encoder.encode(packet);
      expect(packet.type).toBe(PacketType.EVENT);
      expect(packet.attachments).toBeUndefined();
      expect(Buffer.isBuffer(packet.data[1].b)).toBe(true);
    });

    it("sends a BINARY_EVENT / BINARY_ACK without binary as plain EVENT / ACK (0 attachments is not a packet)", () => {
      expect(encoder.encode({ type: PacketType.BINARY_EVENT, nsp: "/", data: ["x"], attachments: 0 })).toEqual(['2["x"]']);
      expect(encoder.encode({ type: PacketType.BINARY_ACK, nsp: "/", data: [], id: 3 })).toEqual(["33[]"]);
    });

    it("recounts attachments of a BINARY_EVENT given with binary", () => {
      const frames = encoder.encode({ type: PacketType.BINARY_EVENT, nsp: "/", data: ["x", Buffer.from("1")], attachments: 5 });
      expect(frames[0]).toBe('51-["x",{"_placeholder":true,"num":0}]');
      expect(frames).toHaveLength(2);
    });

    it("keeps __proto__ keys of the data as own keys when it deconstructs", () => {
      const data = JSON.parse('["x",{"__proto__":{"p":1},"b":0}]');
      data[1].b = Buffer.from("y");
      const [text] = encoder.encode({ type: PacketType.EVENT, nsp: "/", data });
      expect(text).toBe('51-["x",{"__proto__":{"p":1},"b":{"_placeholder":true,"num":0}}]');
      expect(({} as Record<string, unknown>).p).toBeUndefined();
    });
  });

  it("refuses data nested deeper than 1000 levels or cyclic with a TypeError", () => {
    let deep: unknown[] = [];
    const root = deep;
    for (let i = 0; i < 1500; i++) {
      const next: unknown[] = [];
      deep.push(next);
      deep = next;
    }
    expect(() => encoder.encode({ type: PacketType.EVENT, nsp: "/", data: ["deep", root] })).toThrow(TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.a = cyclic;
    cyclic.b = cyclic;
    expect(() => encoder.encode({ type: PacketType.EVENT, nsp: "/", data: ["loop", cyclic] })).toThrow(TypeError);
  });

  it("round-trips through our Decoder (binary packets come back as BINARY_*)", () => {
    const buf = Buffer.from([1, 2]);
    const packets: Packet[] = [
      { type: PacketType.CONNECT, nsp: "/admin", data: { token: "t" } },
      { type: PacketType.EVENT, nsp: "/", data: ["a", { b: [1, "2"] }], id: 9 },
      { type: PacketType.EVENT, nsp: "/x", data: ["bin", { buf }], id: 1 },
    ];
    const decoded = decodeAll(packets.flatMap((p) => encoder.encode(p)));
    expect(decoded[0]).toEqual(packets[0]);
    expect(decoded[1]).toEqual(packets[1]);
    expect(decoded[2]).toEqual({ type: PacketType.BINARY_EVENT, nsp: "/x", data: ["bin", { buf }], id: 1 });
  });
});
