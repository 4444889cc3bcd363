/**
 * Oracle tests: the official socket.io-parser (and engine.io-parser) against our codecs.
 * Our frames must decode with theirs to the same packet and theirs with ours; every frame they
 * reject, we reject. Where we are stricter on purpose, the table below says so, and the test
 * checks that the difference still holds (so this list cannot silently go stale).
 */
import * as official from "socket.io-parser";
import * as engineParser from "engine.io-parser";
import {
  Decoder,
  decodeEnginePacket,
  decodeEnginePayload,
  encodeEnginePacket,
  encodeEnginePayload,
  Encoder,
  PacketType,
  ProtocolError,
  type EnginePacket,
  type Packet,
} from "@switchboard/protocol";

/** Their decoder yields binary packets as EVENT / ACK; ours keeps BINARY_EVENT / BINARY_ACK. */
function plainType(type: number): number {
  return type === PacketType.BINARY_EVENT ? PacketType.EVENT : type === PacketType.BINARY_ACK ? PacketType.ACK : type;
}

function normalize(packet: Packet): Packet {
  const out: Packet = { ...packet, type: plainType(packet.type) };
  delete out.attachments;
  if (out.id === undefined) delete out.id;
  if (out.data === undefined) delete out.data;
  return out;
}

function decodeWithOurs(frames: unknown[]): Packet[] {
  const decoder = new Decoder();
  const out: Packet[] = [];
  decoder.on("decoded", (p: Packet) => out.push(p));
  for (const frame of frames) decoder.add(frame);
  return out;
}

function decodeWithTheirs(frames: unknown[]): Packet[] {
  const decoder = new official.Decoder();
  const out: Packet[] = [];
  decoder.on("decoded", (p: Packet) => out.push(p));
  for (const frame of frames) decoder.add(frame);
  return out;
}

const buf = Buffer.from([1, 2, 3]);
const u16 = new Uint16Array([513]);
const ab = new Uint8Array([9, 8]).buffer;
const view = new DataView(new ArrayBuffer(2));
class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  toJSON() {
    return { x: this.x, y: this.y };
  }
}

const PACKETS: Array<[string, Packet]> = [
  ["CONNECT /", { type: PacketType.CONNECT, nsp: "/" }],
  ["CONNECT /admin", { type: PacketType.CONNECT, nsp: "/admin" }],
  ["CONNECT with auth", { type: PacketType.CONNECT, nsp: "/admin", data: { token: "t", n: 1 } }],
  ["CONNECT reply with pid", { type: PacketType.CONNECT, nsp: "/", data: { sid: "s", pid: "p" } }],
  ["DISCONNECT", { type: PacketType.DISCONNECT, nsp: "/" }],
  ["DISCONNECT /admin", { type: PacketType.DISCONNECT, nsp: "/admin" }],
  ["EVENT", { type: PacketType.EVENT, nsp: "/", data: ["hello", "wörld 💥", 1.5, null, true, { a: [1, { b: "c" }] }] }],
  ["EVENT numeric name", { type: PacketType.EVENT, nsp: "/", data: [42, "x"] }],
  ["EVENT with ack", { type: PacketType.EVENT, nsp: "/", data: ["q"], id: 0 }],
  ["EVENT in nsp with ack", { type: PacketType.EVENT, nsp: "/chat/room-1", data: ["q", {}], id: 123456 }],
  ["EVENT with a big ack id", { type: PacketType.EVENT, nsp: "/", data: ["q"], id: Number.MAX_SAFE_INTEGER }],
  ["EVENT with toJSON", { type: PacketType.EVENT, nsp: "/", data: ["p", new Point(1, 2), new Date(0)] }],
  ["EVENT with special keys", { type: PacketType.EVENT, nsp: "/", data: ["k", JSON.parse('{"__proto__":{"x":1},"constructor":{"prototype":1}}')] }],
  ["ACK", { type: PacketType.ACK, nsp: "/", data: ["ok", 2], id: 7 }],
  ["ACK empty", { type: PacketType.ACK, nsp: "/admin", data: [], id: 1 }],
  ["CONNECT_ERROR", { type: PacketType.CONNECT_ERROR, nsp: "/", data: { message: "Invalid namespace" } }],
  ["CONNECT_ERROR with data", { type: PacketType.CONNECT_ERROR, nsp: "/admin", data: { message: "no", data: { why: 1 } } }],
  ["binary EVENT", { type: PacketType.EVENT, nsp: "/", data: ["file", buf] }],
  ["binary EVENT nested, all kinds", { type: PacketType.EVENT, nsp: "/up", id: 4, data: ["mix", { a: [buf, { u16 }] }, ab, view] }],
  ["binary ACK", { type: PacketType.ACK, nsp: "/", id: 9, data: [{ file: buf }, "x"] }],
  ["binary toJSON", { type: PacketType.EVENT, nsp: "/", data: ["doc", { toJSON: () => ({ body: buf }) }] }],
];

/** What the packet becomes after a trip through JSON, binary values kept by identity. */
function expected(packet: Packet): Packet {
  if (packet.data === undefined) return normalize(packet);
  const binaries: unknown[] = [];
  const text = JSON.stringify(packet.data, function (this: Record<string, unknown>, key, value: unknown) {
    // The replacer sees toJSON's result (a Buffer's {type,data}); the holder still has the original.
    const original = this[key];
    if (ArrayBuffer.isView(original) || original instanceof ArrayBuffer) return { $binary: binaries.push(original) - 1 };
    return value;
  });
  const data = JSON.parse(text, (_key, value: unknown) =>
    value !== null && typeof value === "object" && "$binary" in value ? binaries[(value as { $binary: number }).$binary] : value,
  );
  return normalize({ ...packet, data });
}

describe("oracle: socket.io-parser", () => {
  it.each(PACKETS)("%s: our frames decode with theirs to the same packet", (_name, packet) => {
    const frames = new Encoder().encode(packet);
    const theirs = decodeWithTheirs(frames);
    expect(theirs.map(normalize)).toEqual([expected(packet)]);
  });

  it.each(PACKETS)("%s: their frames decode with ours to the same packet", (_name, packet) => {
    const frames = new official.Encoder().encode({ ...packet });
    const ours = decodeWithOurs(frames);
    expect(ours.map(normalize)).toEqual([expected(packet)]);
  });

  it.each(PACKETS)("%s: both encoders write the same frames", (_name, packet) => {
    expect(new Encoder().encode(packet)).toEqual(new official.Encoder().encode({ ...packet }));
  });

  /** Frames they reject: we must reject every one (with a ProtocolError). */
  const MALFORMED: unknown[][] = [
    ["7"],
    ["8"],
    ["9"],
    ["a"],
    ["-"],
    ["/"],
    ['x2["a"]'],
    ['5-["x",{"_placeholder":true,"num":0}]'],
    ['5["x"]'],
    ["5"],
    ['5a-["x"]'],
    ['50-["x"]'],
    ['511-["x"]'],
    ['5-1-["x"]'],
    ['5NaN-["x"]'],
    ["61.5-[]"],
    ["6x1-[]"],
    ["6-[]"],
    ["612-1[]"],
    ["0[]"],
    ['0"x"'],
    ["0null"],
    ["0true"],
    ['0["a"]'],
    ["0/admin,[]"],
    ["0{"],
    ["1{}"],
    ["1[]"],
    ['1"x"'],
    ["1null"],
    ["1/admin,{}"],
    ["1/admin,5{}"],
    ["2{}"],
    ['2"x"'],
    ["2[]"],
    ["2[null]"],
    ["2[{}]"],
    ["2[[]]"],
    ["2[true]"],
    ['2["x"'],
    ['2["x"]]'],
    ["2['x']"],
    ["2null"],
    ['2["connect"]'],
    ['2["connect_error"]'],
    ['2["disconnect"]'],
    ['2["disconnecting"]'],
    ['2["newListener"]'],
    ['2["removeListener"]'],
    ['2/admin,["disconnect",1]'],
    ['51-["disconnect",{"_placeholder":true,"num":0}]'],
    ["3{}"],
    ["31{}"],
    ['31"x"'],
    ["31null"],
    ["3/admin,1{"],
    ["4[]"],
    ["4null"],
    ["4true"],
    ["4[1]"],
    [' 2["x"]'],
    [Buffer.from([1])],
    [new ArrayBuffer(2)],
    ['51-["x",{"_placeholder":true,"num":0}]', '2["text while waiting"]'],
    ['51-["x",{"_placeholder":true,"num":1}]', Buffer.from([1])],
    ['51-["x",{"_placeholder":true,"num":-1}]', Buffer.from([1])],
    ['51-["x",{"_placeholder":true,"num":"0"}]', Buffer.from([1])],
    ['51-["x",{"_placeholder":true,"num":"__proto__"}]', Buffer.from([1])],
    ['51-["x",{"_placeholder":true}]', Buffer.from([1])],
    ['51-["x",{"_placeholder":true,"num":0}]', Buffer.from([1]), Buffer.from([2])],
    [42],
    [null],
    [{}],
  ];

  it.each(MALFORMED.map((frames) => [JSON.stringify(frames), frames] as const))("%s: they reject, we reject", (_name, frames) => {
    expect(() => decodeWithTheirs(frames)).toThrow();
    let caught: unknown;
    try {
      decodeWithOurs(frames);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ProtocolError);
  });

  /** Intentional differences: frames socket.io-parser accepts and we refuse. */
  const STRICTER: Array<[string, unknown[]]> = [
    ["empty frame (they read CONNECT to /)", [""]],
    ["leading space (they read CONNECT)", [" {}"]],
    ["CONNECT_ERROR with an id and no payload", ["412"]],
    ["EVENT without payload", ["2"]],
    ["EVENT without payload in a namespace", ["2/admin,"]],
    ["ACK without payload", ["31"]],
    ["ACK without id", ['3["x"]']],
    ["BINARY_ACK without id", ['61-[{"_placeholder":true,"num":0}]', Buffer.from([1])]],
    ["CONNECT_ERROR without payload", ["4"]],
    ["ack id on CONNECT", ["01"]],
    ["ack id on DISCONNECT", ["1/admin,5"]],
    ["ack id on CONNECT_ERROR", ['41{"message":"x"}']],
    ["whitespace read as ack id 0 by them", ['2 ["x"]']],
    ["whitespace after the namespace", ['2/admin, ["x"]']],
    ["ack id beyond MAX_SAFE_INTEGER", [`2${"9".repeat(20)}["x"]`]],
    ["attachment count with spaces", ['5 1-["x",{"_placeholder":true,"num":0}]', Buffer.from([1])]],
    ["attachment count in hex", ['50x1-["x",{"_placeholder":true,"num":0}]', Buffer.from([1])]],
    ["attachment count with exponent", ['51e0-["x",{"_placeholder":true,"num":0}]', Buffer.from([1])]],
    ["binary packet without payload", ["51-", Buffer.from([1])]],
    ["placeholder num not an integer (they leave a hole)", ['51-["x",{"_placeholder":true,"num":0.5}]', Buffer.from([1])]],
    ["base64 object as attachment", ['51-["x",{"_placeholder":true,"num":0}]', { base64: true, data: "AQ==" }]],
    ["deeper than 1000 levels with attachments", [`51-["x",${"[".repeat(1001)}{"_placeholder":true,"num":0}${"]".repeat(1001)}]`, Buffer.from([1])]],
  ];

  it.each(STRICTER)("stricter on purpose: %s", (_name, frames) => {
    expect(() => decodeWithTheirs(frames)).not.toThrow();
    expect(() => decodeWithOurs(frames)).toThrow(ProtocolError);
  });
});

describe("oracle: intentional encoder differences", () => {
  it("an own __proto__ key next to binary: we keep it as data, socket.io-parser drops it", () => {
    const data = JSON.parse('["x",{"__proto__":{"p":1},"b":0}]');
    data[1].b = Buffer.from("y");
    const packet: Packet = { type: PacketType.EVENT, nsp: "/", data };
    expect(new Encoder().encode(packet)[0]).toBe('51-["x",{"__proto__":{"p":1},"b":{"_placeholder":true,"num":0}}]');
    expect(new official.Encoder().encode({ ...packet })[0]).toBe('51-["x",{"b":{"_placeholder":true,"num":0}}]');
  });

  it("a toJSON returning a Date next to binary: we write what JSON.stringify writes", () => {
    const data = ["x", { toJSON: () => new Date(0) }, Buffer.from("y")];
    const packet: Packet = { type: PacketType.EVENT, nsp: "/", data };
    expect(new Encoder().encode(packet)[0]).toBe(`51-["x",${JSON.stringify(data[1])},{"_placeholder":true,"num":0}]`);
    expect(new official.Encoder().encode({ ...packet })[0]).toBe('51-["x","1970-01-01T00:00:00.000Z",{"_placeholder":true,"num":0}]');
  });

  it("a BINARY_EVENT without binary: we send a plain EVENT, socket.io-parser an undecodable frame", () => {
    const packet: Packet = { type: PacketType.BINARY_EVENT, nsp: "/", data: ["x"] };
    expect(new Encoder().encode(packet)).toEqual(['2["x"]']);
    expect(new official.Encoder().encode({ ...packet })).toEqual(['5undefined-["x"]']);
  });
});

describe("oracle: engine.io-parser", () => {
  const PACKETS_E: EnginePacket[] = [
    { type: "open", data: '{"sid":"x","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}' },
    { type: "close" },
    { type: "ping", data: "probe" },
    { type: "pong" },
    { type: "message", data: "héllo 💥" },
    { type: "message", data: Buffer.from([0, 255, 7]) },
    { type: "upgrade" },
    { type: "noop" },
  ];

  const theirEncode = (packet: EnginePacket, binary: boolean) => new Promise<unknown>((resolve) => engineParser.encodePacket(packet as never, binary, resolve));
  const theirEncodePayload = (packets: EnginePacket[]) => new Promise<string>((resolve) => engineParser.encodePayload(packets as never, resolve));

  it.each(PACKETS_E.map((p) => [p.type + (typeof p.data === "string" || p.data === undefined ? "" : " (binary)"), p] as const))(
    "%s: same frames both ways, over WebSocket and polling",
    async (_name, packet) => {
      for (const binary of [true, false]) {
        const ours = encodeEnginePacket(packet, binary);
        expect(ours).toEqual(await theirEncode(packet, binary));
        expect(engineParser.decodePacket(ours as string, "nodebuffer")).toEqual(packet);
        expect(decodeEnginePacket((await theirEncode(packet, binary)) as string)).toEqual(packet);
      }
    },
  );

  it("payloads are interchangeable", async () => {
    const ours = encodeEnginePayload(PACKETS_E);
    expect(ours).toBe(await theirEncodePayload(PACKETS_E));
    expect(engineParser.decodePayload(ours, "nodebuffer")).toEqual(PACKETS_E);
    expect(decodeEnginePayload(await theirEncodePayload(PACKETS_E))).toEqual(PACKETS_E);
  });

  it.each(["", "7", "x", "4a\x1e\x1e2", "\x1e4a", "8hello"])("payload %j: they yield an error packet, we throw", (payload) => {
    const theirs = engineParser.decodePayload(payload, "nodebuffer");
    expect(theirs.some((p: { type: string }) => p.type === "error")).toBe(true);
    expect(() => decodeEnginePayload(payload)).toThrow(ProtocolError);
  });
});
