/** Strict validation of untrusted Socket.IO frames: every case ends in a packet or a ProtocolError. */
import { Decoder, ProtocolError, RESERVED_EVENTS, type Packet, type ProtocolErrorCode } from "@switchboard/protocol";

const OBJECT_PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

function expectPrototypesIntact(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(OBJECT_PROTO_KEYS);
  const probe = {} as Record<string, unknown>;
  for (const key of ["polluted", "isAdmin", "_placeholder", "num"]) expect(probe[key]).toBeUndefined();
}

/** Feeds the chunks to a fresh decoder and returns the error code it threw (or fails). */
function rejectCode(...chunks: unknown[]): ProtocolErrorCode {
  const decoder = new Decoder();
  decoder.on("decoded", () => undefined);
  try {
    for (const chunk of chunks) decoder.add(chunk);
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    expectPrototypesIntact();
    return (err as ProtocolError).code;
  }
  throw new Error(`accepted ${JSON.stringify(chunks)}`);
}

function decode(...chunks: unknown[]): Packet[] {
  const decoder = new Decoder();
  const out: Packet[] = [];
  decoder.on("decoded", (p: Packet) => out.push(p));
  for (const chunk of chunks) decoder.add(chunk);
  expectPrototypesIntact();
  return out;
}

const deepArray = (depth: number, inner = "1") => "[".repeat(depth) + inner + "]".repeat(depth);
const deepObject = (depth: number, inner = "1") => '{"a":'.repeat(depth) + inner + "}".repeat(depth);
const bin = () => Buffer.from([0xde, 0xad]);

describe("ProtocolError", () => {
  it("is an Error with a name, a stable code and a message", () => {
    const err = new ProtocolError("INVALID_PAYLOAD", "invalid payload");
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("ProtocolError");
    expect(err.code).toBe("INVALID_PAYLOAD");
    expect(err.message).toBe("invalid payload");
    expect(String(err)).toBe("ProtocolError: invalid payload");
  });

  it("keeps the JSON error it replaces as its cause", () => {
    let caught: unknown;
    try {
      new Decoder().add('2["x"');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ProtocolError);
    expect((caught as ProtocolError).cause).toBeInstanceOf(SyntaxError);
  });
});

describe("Decoder rejects untrusted input", () => {
  it.each(["", "7", "9", "a", "-1", ' 2["x"]', "/", "\u0000", '٢["x"]'])("unknown packet type %j", (text) => {
    expect(rejectCode(text)).toBe("INVALID_PACKET_TYPE");
  });

  it.each([
    '5-["x",{"_placeholder":true,"num":0}]',
    '5["x",{"_placeholder":true,"num":0}]',
    "5",
    '5x-["x"]',
    '5-1-["x"]',
    '51.0-["x"]',
    '51e0-["x"]',
    '5 1-["x"]',
    '50x1-["x"]',
    '5+1-["x"]',
    `5${"9".repeat(400)}-["x"]`,
    '50-["x"]',
    "60-[]",
    '500-["x"]',
    '511-["x"]',
    "61000000-[]",
  ])("non-numeric, zero, negative, huge or too many attachments %j", (text) => {
    expect(rejectCode(text)).toBe("INVALID_ATTACHMENTS");
  });

  it.each(["5woooot", "5", '50-["x"]'])("refuses %j with the message socket.io-parser gives (apps match on it)", (text) => {
    const decoder = new Decoder();
    expect(() => decoder.add(text)).toThrow("Illegal attachments");
  });

  it("accepts exactly maxAttachments (10) and refuses 11", () => {
    const ten = Array.from({ length: 10 }, (_, num) => ({ _placeholder: true, num }));
    expect(decode(`510-${JSON.stringify(["x", ...ten])}`, ...ten.map(bin))).toHaveLength(1);
    expect(rejectCode(`511-${JSON.stringify(["x", ...ten, { _placeholder: true, num: 10 }])}`)).toBe("INVALID_ATTACHMENTS");
  });

  it.each([
    ["out of range", "1"],
    ["negative", "-1"],
    ["not an integer", "0.5"],
    ["infinite", "1e400"],
    ["a numeric string", '"0"'],
    ["__proto__ (CVE-2022-2421)", '"__proto__"'],
    ["toString", '"toString"'],
    ["length", '"length"'],
    ["null", "null"],
    ["an object", '{"valueOf":0}'],
    ["missing", undefined],
  ])("placeholder num %s", (_name, num) => {
    const placeholder = num === undefined ? '{"_placeholder":true}' : `{"_placeholder":true,"num":${num}}`;
    expect(rejectCode(`51-["x",${placeholder}]`, bin())).toBe("INVALID_PLACEHOLDER");
    expect(rejectCode(`61-1[{"deep":[${placeholder}]}]`, bin())).toBe("INVALID_PLACEHOLDER");
  });

  it.each([...RESERVED_EVENTS])("reserved event name %j, plain or binary", (name) => {
    expect(rejectCode(`2${JSON.stringify([name, 1])}`)).toBe("INVALID_PAYLOAD");
    expect(rejectCode(`2/admin,3${JSON.stringify([name])}`)).toBe("INVALID_PAYLOAD");
    expect(rejectCode(`51-${JSON.stringify([name, { _placeholder: true, num: 0 }])}`)).toBe("INVALID_PAYLOAD");
  });

  it.each(["[]", "[null]", "[{}]", '[["x"]]', "[true]", '{"0":"x"}', '"x"', "1", "null"])("event name or EVENT data %s", (data) => {
    expect(rejectCode(`2${data}`)).toBe("INVALID_PAYLOAD");
  });

  it.each(["2", "2/admin,", "21", "2/admin,1", "3", "31", "3/a,1", "4", "4/admin,"])("packet %j without its required payload", (text) => {
    expect(rejectCode(text)).toBe("INVALID_PAYLOAD");
  });

  it.each(["0[]", '0"x"', "0null", "0true", '0["a"]', "0/admin,[]"])("CONNECT payload that is not an object %j", (text) => {
    expect(rejectCode(text)).toBe("INVALID_PAYLOAD");
  });

  it.each(["1{}", "1[]", '1"x"', "1null", "1/admin,{}"])("DISCONNECT with a payload %j", (text) => {
    expect(rejectCode(text)).toBe("INVALID_PAYLOAD");
  });

  it.each(["01", "0/admin,1", '07{"a":1}', "11", "1/admin,2", '41{"message":"m"}'])("ack id on a packet that takes none %j", (text) => {
    expect(rejectCode(text)).toBe("INVALID_PAYLOAD");
  });

  it.each(["3[]", '3/admin,["x"]', '61-[{"_placeholder":true,"num":0}]'])("ACK without an id %j", (text) => {
    expect(rejectCode(text)).toBe("INVALID_PAYLOAD");
  });

  it.each(['31{"a":1}', '31"x"', "31null", "4[]", "41", "4null", "4true"])("ACK / CONNECT_ERROR payload of the wrong shape %j", (text) => {
    expect(rejectCode(text)).toBe("INVALID_PAYLOAD");
  });

  it.each(['2["x"', "2{", '2["x"]junk', '2["x"]]', "2['x']", '2["\\x"]', '2/admin,["x"', "2\u0000"])("malformed JSON %j", (text) => {
    expect(rejectCode(text)).toBe("INVALID_PAYLOAD");
  });

  it.each([
    `2${Number.MAX_SAFE_INTEGER + 1}["x"]`,
    `2${"9".repeat(400)}["x"]`,
    `3/admin,${"1".repeat(17)}[]`,
    `61-${"9".repeat(30)}[{"_placeholder":true,"num":0}]`,
  ])("ack id beyond MAX_SAFE_INTEGER %#", (text) => {
    expect(rejectCode(text)).toBe("INVALID_PAYLOAD");
  });

  it("text while waiting for attachments", () => {
    expect(rejectCode('52-["x",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]', bin(), '2["y"]')).toBe("UNEXPECTED_TEXT");
  });

  it("binary when no attachment is awaited, also right after a complete binary packet", () => {
    expect(rejectCode(bin())).toBe("UNEXPECTED_BINARY");
    expect(rejectCode(new ArrayBuffer(1))).toBe("UNEXPECTED_BINARY");
    expect(rejectCode('51-["x",{"_placeholder":true,"num":0}]', bin(), bin())).toBe("UNEXPECTED_BINARY");
  });

  it.each([
    ["a number", 42],
    ["null", null],
    ["undefined", undefined],
    ["a plain object", { base64: true, data: "AQ==" }],
    ["an array", ['2["x"]']],
  ])("a chunk that is neither text nor binary: %s", (_name, chunk) => {
    expect(rejectCode(chunk)).toBe("INVALID_ENCODING");
    expect(rejectCode('51-["x",{"_placeholder":true,"num":0}]', chunk)).toBe("INVALID_ENCODING");
  });

  it("resets its state after a rejected attachment sequence", () => {
    const decoder = new Decoder();
    const out: Packet[] = [];
    decoder.on("decoded", (p: Packet) => out.push(p));
    decoder.add('51-["x",{"_placeholder":true,"num":7}]');
    expect(() => decoder.add(bin())).toThrow(ProtocolError);
    decoder.add('2["fine"]');
    expect(out).toEqual([{ type: 2, nsp: "/", data: ["fine"] }]);
  });
});

describe("Decoder and prototype pollution", () => {
  it.each([
    '2["x",{"__proto__":{"polluted":true}}]',
    '2["x",{"constructor":{"prototype":{"polluted":true}}}]',
    '2["x",{"prototype":{"polluted":true}},{"__proto__":null}]',
    '0{"__proto__":{"isAdmin":true}}',
    '4{"__proto__":{"polluted":1},"message":"m"}',
  ])("keeps __proto__ / constructor / prototype as plain own keys in %j", (text) => {
    const [packet] = decode(text);
    const objects = [packet.data, ...(Array.isArray(packet.data) ? packet.data : [])].filter((v) => v && typeof v === "object");
    for (const obj of objects) expect([Object.prototype, Array.prototype]).toContain(Object.getPrototypeOf(obj));
    if (text.startsWith("0")) expect(packet.data.isAdmin).toBeUndefined();
  });

  it("restores placeholders stored under __proto__ as own properties, not prototypes", () => {
    const buf = bin();
    const [packet] = decode('51-["x",{"__proto__":{"_placeholder":true,"num":0}}]', buf);
    const obj = packet.data[1];
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(obj, "__proto__")?.value).toBe(buf);
  });

  it("restores placeholders next to constructor/prototype keys without touching built-ins", () => {
    const buf = bin();
    const [packet] = decode(
      '51-["x",{"constructor":{"prototype":{"_placeholder":true,"num":0}}},{"_placeholder":true,"num":0,"__proto__":{"polluted":1}}]',
      buf,
    );
    expect(packet.data[1].constructor.prototype).toBe(buf);
    expect(packet.data[2]).toBe(buf);
    expect(Object.getPrototypeOf(packet.data[1])).toBe(Object.prototype);
    expect({}.constructor).toBe(Object);
  });

  it("refuses a placeholder num of __proto__ instead of handing out Array.prototype", () => {
    expect(rejectCode('51-["x",{"_placeholder":true,"num":"__proto__"}]', bin())).toBe("INVALID_PLACEHOLDER");
  });
});

describe("Decoder and very deep nesting", () => {
  it.each([
    ["a 100k-deep array in an EVENT", `2["x",${deepArray(100_000)}]`],
    ["a 100k-deep object in an EVENT", `2["x",${deepObject(100_000)}]`],
    ["a 100k-deep object in CONNECT", `0${deepObject(100_000)}`],
    ["a 100k-deep unterminated array", `2["x",${"[".repeat(100_000)}`],
  ])("%s decodes or is a ProtocolError, nothing else", (_name, text) => {
    const decoder = new Decoder();
    decoder.on("decoded", () => undefined);
    try {
      decoder.add(text);
    } catch (err) {
      expect(err).toBeInstanceOf(ProtocolError);
    }
    expectPrototypesIntact();
  });

  it("rejects a 100k-deep binary packet with a ProtocolError when its attachment arrives", () => {
    expect(rejectCode(`51-["x",${deepArray(100_000, '{"_placeholder":true,"num":0}')}]`, bin())).toBe("INVALID_PAYLOAD");
    expect(rejectCode(`51-["x",${deepObject(100_000, '{"_placeholder":true,"num":0}')}]`, bin())).toBe("INVALID_PAYLOAD");
  });

  it("turns a reviver's stack overflow on deep input into a ProtocolError", () => {
    const decoder = new Decoder((_key, value) => value);
    decoder.on("decoded", () => undefined);
    try {
      decoder.add(`2["x",${deepArray(100_000)}]`);
    } catch (err) {
      expect(err).toBeInstanceOf(ProtocolError);
    }
    expectPrototypesIntact();
  });
});

describe("Decoder and binary frames", () => {
  it("hands attachments with invalid UTF-8 through byte for byte", () => {
    const bytes = Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]);
    const [packet] = decode('51-["raw",{"_placeholder":true,"num":0}]', bytes);
    expect(packet.data[1]).toBe(bytes);
    expect(Buffer.compare(packet.data[1], Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]))).toBe(0);
  });

  it("treats lone surrogates in text frames as ordinary string content", () => {
    const [packet] = decode('2["\ud800","\\udfff"]');
    expect(packet.data).toEqual(["\ud800", "\udfff"]);
  });
});
