/**
 * Seeded input generators shared by the Jest fuzz suites and the long-run CLI (`run-fuzz.mjs`);
 * the properties they are checked against live in fuzz-checks.ts. Nothing here is imported at
 * run time from the protocol package: callers pass the module in, so the CLI can run against the
 * built `dist` and Jest against the sources. Same seed, same inputs.
 */
import type * as ProtocolModule from "@switchboard/protocol";

export type Protocol = typeof ProtocolModule;
export type Rng = () => number;

/** mulberry32: a tiny, fast 32-bit PRNG; good enough to spread fuzz inputs, and reproducible. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[int(rng, items.length)];

/** Fragments that steer mutations towards the parsers' interesting branches. */
const TOKENS = [
  "0",
  "1",
  "2",
  "3",
  "4",
  "5",
  "6",
  "7",
  "9",
  "-",
  "/",
  ",",
  "[",
  "]",
  "{",
  "}",
  '"',
  ":",
  "b",
  "=",
  " ",
  "\x1e",
  "/admin",
  "/admin,",
  "51-",
  "52-",
  "60-",
  "5-1-",
  "511-",
  "99999999999999999999",
  "-1",
  "1e3",
  "0x1",
  "NaN",
  "null",
  '"__proto__"',
  '"constructor"',
  '"prototype"',
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"_placeholder":true,"num":0}',
  '{"_placeholder":true,"num":1}',
  '{"_placeholder":true,"num":-1}',
  '{"_placeholder":true,"num":"0"}',
  '{"_placeholder":true,"num":0.5}',
  '{"_placeholder":true,"num":1e400}',
  '{"_placeholder":true,"num":"__proto__"}',
  '{"__proto__":{"_placeholder":true,"num":0}}',
  '{"constructor":{"_placeholder":true,"num":0}}',
  '"connect"',
  '"disconnect"',
  '"newListener"',
  "true",
  "false",
  "[[[[",
  "]]]]",
  "\ud800",
  "\udfff",
  "é",
  "💥",
  "\u0000",
  "AQID",
  "AQ==",
  "probe",
];

const ALPHABET = '0123456789-/,[]{}":_abpnrtuloc=+ \x1e\\';

export function randomString(rng: Rng, maxLength = 40): string {
  const length = int(rng, maxLength + 1);
  let out = "";
  while (out.length < length) {
    const r = rng();
    if (r < 0.5) out += ALPHABET[int(rng, ALPHABET.length)];
    else if (r < 0.8) out += pick(rng, TOKENS);
    else out += String.fromCharCode(int(rng, 0x10000));
  }
  return out;
}

export function randomBytes(rng: Rng, maxLength = 64): Uint8Array {
  const bytes = new Uint8Array(int(rng, maxLength + 1));
  for (let i = 0; i < bytes.length; i++) bytes[i] = int(rng, 256);
  return bytes;
}

/** Valid Socket.IO text frames, each with the number of attachments it announces. */
export const SOCKET_SEEDS: ReadonlyArray<readonly [string, number]> = [
  ["0", 0],
  ["0/admin,", 0],
  ["0/admin", 0],
  ['0{"token":"abc"}', 0],
  ['0/admin,{"pid":"x","offset":"1"}', 0],
  ["1", 0],
  ["1/admin,", 0],
  ['2["hello"]', 0],
  ['2["hello",1,{"a":[true,null]}]', 0],
  ['2/admin,["a"]', 0],
  ['213["ack me"]', 0],
  ['2/admin,456["x",{"y":"z"}]', 0],
  ["2[1]", 0],
  ['3["ok"]', 0],
  ["37[]", 0],
  ['3/admin,9["a",2]', 0],
  ['4{"message":"Invalid namespace"}', 0],
  ['4/admin,{"message":"no","data":{"code":1}}', 0],
  ['4"legacy"', 0],
  ['51-["file",{"_placeholder":true,"num":0}]', 1],
  ['52-["two",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]', 2],
  ['51-/admin,12["x",[{"_placeholder":true,"num":0}]]', 1],
  ['61-3[{"_placeholder":true,"num":0}]', 1],
  ['62-/admin,7[{"a":{"_placeholder":true,"num":1}},{"_placeholder":true,"num":0}]', 2],
  ['51-["p",{"__proto__":{"_placeholder":true,"num":0},"constructor":{"prototype":{"_placeholder":true,"num":0}}}]', 1],
  ['2["p",{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}]', 0],
];

/** Valid Engine.IO records (payloads are joined from these). */
export const ENGINE_SEEDS: readonly string[] = [
  '0{"sid":"abc","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}',
  "1",
  "2",
  "2probe",
  "3",
  "3probe",
  "4hello",
  "4",
  '42["chat","hi"]',
  "5",
  "6",
  "bAQID",
  "bAQ==",
  "b",
];

/** One edit of a valid input: bit flip, insertion, deletion, truncation, splice or duplication. */
export function mutate(rng: Rng, input: string, donors: readonly string[]): string {
  if (input.length === 0) return pick(rng, TOKENS);
  const at = int(rng, input.length + 1);
  switch (int(rng, 7)) {
    case 0: {
      const i = Math.min(at, input.length - 1);
      return input.slice(0, i) + String.fromCharCode(input.charCodeAt(i) ^ (1 << int(rng, 8))) + input.slice(i + 1);
    }
    case 1:
      return input.slice(0, at) + pick(rng, TOKENS) + input.slice(at);
    case 2:
      return input.slice(0, at) + input.slice(at + 1 + int(rng, 4));
    case 3:
      return input.slice(0, at);
    case 4: {
      const donor = pick(rng, donors);
      return input.slice(0, at) + donor.slice(int(rng, donor.length + 1));
    }
    case 5:
      return input.slice(0, at) + input.slice(int(rng, input.length + 1));
    default:
      return input.slice(0, at) + randomString(rng, 6) + input.slice(at);
  }
}

export function mutateRepeatedly(rng: Rng, input: string, donors: readonly string[]): string {
  let out = input;
  for (let n = 1 + int(rng, 3); n > 0; n--) out = mutate(rng, out, donors);
  return out;
}

const KEYS = ["a", "b", "__proto__", "constructor", "prototype", "_placeholder", "num", "toString", "length", "0", ""];
const STRINGS = ["hello", "", "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener", "__proto__", "é💥", "\ud800"];
const NUMBERS = ["0", "1", "-1", "0.5", "1e400", "9007199254740993", "42"];

/** A JSON value biased towards what the decoders special-case (placeholders, reserved names, magic keys). */
export function randomJson(rng: Rng, depth = 0, attachments = 1): string {
  const r = rng();
  if (depth > 3 || r < 0.35) {
    const k = int(rng, 4);
    if (k === 0) return JSON.stringify(pick(rng, STRINGS));
    if (k === 1) return pick(rng, NUMBERS);
    if (k === 2) return pick(rng, ["null", "true", "false"]);
    return JSON.stringify(randomString(rng, 6));
  }
  if (r < 0.5) {
    // A placeholder, usually valid for the announced attachments, sometimes not.
    const num = rng() < 0.7 ? String(int(rng, Math.max(1, attachments))) : pick(rng, [...NUMBERS, '"0"', '"__proto__"', "null", "[0]"]);
    const extra = rng() < 0.2 ? `,${JSON.stringify(pick(rng, KEYS))}:${randomJson(rng, depth + 1, attachments)}` : "";
    return rng() < 0.9 ? `{"_placeholder":true,"num":${num}${extra}}` : `{"_placeholder":"true","num":${num}}`;
  }
  const items: string[] = [];
  for (let n = int(rng, 4); n > 0; n--) items.push(randomJson(rng, depth + 1, attachments));
  if (r < 0.75) return `[${items.join(",")}]`;
  return `{${items.map((v) => `${JSON.stringify(pick(rng, KEYS))}:${v}`).join(",")}}`;
}

/** A Socket.IO text frame assembled from mostly-valid parts: type, attachments, nsp, id, payload. */
export function randomSocketFrame(rng: Rng): { text: string; attachments: number } {
  const type = rng() < 0.95 ? int(rng, 7) : pick(rng, [7, 9, -1]);
  const binary = type === 5 || type === 6;
  const attachments = binary ? 1 + int(rng, 3) : 0;
  let text = String(type);
  if (binary || rng() < 0.05) text += rng() < 0.9 ? `${attachments}-` : `${pick(rng, ["0", "", "11", "-1", "1.5", " 1", "1e0"])}-`;
  if (rng() < 0.3) text += pick(rng, ["/admin,", "/admin", "/a/b,", "/,", "/é,"]);
  if (rng() < 0.4) text += pick(rng, ["0", "1", "42", "9007199254740991", "9007199254740992", "99999999999999999999"]);
  if (rng() < 0.9) {
    const name = rng() < 0.8 ? JSON.stringify(pick(rng, STRINGS)) : randomJson(rng, 1, attachments);
    const args: string[] = [];
    for (let n = int(rng, 3); n > 0; n--) args.push(randomJson(rng, 1, attachments));
    text += type === 2 || type === 5 ? `[${[name, ...args].join(",")}]` : rng() < 0.5 ? `[${args.join(",")}]` : randomJson(rng, 0, attachments);
  }
  return { text, attachments };
}

/** A Socket.IO chunk sequence: a generated or (mutated) known frame then attachments, sometimes chaos. */
export function socketSequence(rng: Rng): unknown[] {
  const r = rng();
  if (r < 0.1) {
    const chunks: unknown[] = [];
    for (let n = int(rng, 4); n >= 0; n--) chunks.push(rng() < 0.5 ? randomString(rng) : randomBytes(rng, 8));
    return chunks;
  }
  const donors = SOCKET_SEEDS.map(([s]) => s);
  let seed: string;
  let attachments: number;
  if (r < 0.5) ({ text: seed, attachments } = randomSocketFrame(rng));
  else [seed, attachments] = pick(rng, SOCKET_SEEDS);
  const text = r < 0.6 || rng() < 0.3 ? seed : mutateRepeatedly(rng, seed, donors);
  const chunks: unknown[] = [text];
  // Around the announced count: too few, exact, too many; odd chunk kinds now and then.
  const count = Math.max(0, attachments + int(rng, 3) - 1);
  for (let i = 0; i < count; i++) {
    const k = rng();
    if (k < 0.8) chunks.push(Buffer.from(randomBytes(rng, 8)));
    else if (k < 0.9) chunks.push(randomBytes(rng, 8).buffer);
    else if (k < 0.95) chunks.push(pick(rng, [null, undefined, 42, { base64: true, data: "AQ==" }, ["x"]]));
    else chunks.push(pick(rng, SOCKET_SEEDS)[0]);
  }
  return chunks;
}

/** An Engine.IO input: a packet (text or bytes) or a polling payload, valid or mutated. */
export function engineInput(rng: Rng): { kind: "packet" | "payload"; input: string | Uint8Array } {
  const r = rng();
  if (r < 0.1) return { kind: "packet", input: randomBytes(rng) };
  if (r < 0.2) return { kind: rng() < 0.5 ? "packet" : "payload", input: randomString(rng) };
  if (r < 0.6) {
    const seed = pick(rng, ENGINE_SEEDS);
    return { kind: "packet", input: r < 0.3 ? seed : mutateRepeatedly(rng, seed, ENGINE_SEEDS) };
  }
  const records: string[] = [];
  for (let n = 1 + int(rng, 4); n > 0; n--) records.push(pick(rng, ENGINE_SEEDS));
  const payload = records.join("\x1e");
  return { kind: "payload", input: r < 0.7 ? payload : mutateRepeatedly(rng, payload, ENGINE_SEEDS) };
}

/**
 * A JavaScript value as an application would emit it: JSON values, binary of every kind at any
 * depth, Dates, objects with toJSON (possibly hiding binary), undefined members. No `__proto__`
 * keys: socket.io-parser's deconstruct turns those into prototypes (tested separately). No
 * `_placeholder` keys: the wire format cannot tell user data shaped like a placeholder apart.
 */
export function randomValue(rng: Rng, depth = 0): unknown {
  const r = rng();
  if (depth > 4 || r < 0.4) {
    return pick(rng, [0, 1, -1.5, 1e21, NaN, "", "text", "é💥", null, true, false, undefined]);
  }
  if (r < 0.55) {
    const bytes = randomBytes(rng, 6);
    return pick(rng, [() => Buffer.from(bytes), () => bytes, () => bytes.buffer, () => new Uint16Array(2), () => new DataView(bytes.buffer)])();
  }
  if (r < 0.6) return new Date(int(rng, 2e12));
  if (r < 0.65) {
    // A toJSON returning a Date or another object with toJSON: JSON.stringify does not call toJSON
    // on that result (a Date becomes `{}`), socket.io-parser does when the packet holds binary.
    // We follow JSON.stringify; keep that edge out of the oracle.
    const value = randomValue(rng, depth + 1);
    const nested = value !== null && typeof value === "object" && typeof (value as { toJSON?: unknown }).toJSON === "function";
    const inner = nested ? "toJSON" : value;
    return { toJSON: () => inner };
  }
  if (r < 0.82) return Array.from({ length: int(rng, 4) }, () => randomValue(rng, depth + 1));
  const obj: Record<string, unknown> = {};
  for (let n = int(rng, 4); n > 0; n--) obj[pick(rng, ["a", "b", "constructor", "prototype", "num", "0"])] = randomValue(rng, depth + 1);
  return obj;
}

/** An EVENT or ACK packet whose arguments come from {@link randomValue}. */
export function randomEncodablePacket(protocol: Protocol, rng: Rng): ProtocolModule.Packet {
  const args = Array.from({ length: int(rng, 4) }, () => randomValue(rng));
  const isEvent = rng() < 0.7;
  return {
    type: isEvent ? protocol.PacketType.EVENT : protocol.PacketType.ACK,
    nsp: pick(rng, ["/", "/admin"]),
    data: isEvent ? [pick(rng, ["ev", "é", 7]), ...args] : args,
    ...(isEvent && rng() < 0.5 ? {} : { id: int(rng, 1000) }),
  };
}

/** A random Engine.IO packet: any type with or without text, or a binary message. */
export function randomEnginePacket(protocol: Protocol, rng: Rng): ProtocolModule.EnginePacket {
  const types = Object.keys(protocol.ENGINE_PACKET_CODES) as Array<Exclude<ProtocolModule.EnginePacketType, "error">>;
  if (rng() < 0.3) return { type: "message", data: Buffer.from(randomBytes(rng, 16)) };
  return { type: pick(rng, types), ...(rng() < 0.8 ? { data: randomString(rng, 12) } : {}) };
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** Random bytes, biased towards invalid UTF-8, decoded the way a transport decodes text. */
export function invalidUtf8Text(rng: Rng, prefix: string): string {
  const bytes: number[] = [...Buffer.from(prefix)];
  for (let n = 1 + int(rng, 24); n > 0; n--) {
    // Lone continuation bytes, truncated sequences, overlongs, surrogates encoded in UTF-8, 0xff.
    bytes.push(
      ...pick(rng, [[0x80], [0xc3], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0xf4, 0x90, 0x80, 0x80], [int(rng, 256)], [0x22], [0x5d]]),
    );
  }
  return utf8.decode(Uint8Array.from(bytes));
}

/** Nesting `depth` levels deep, arrays or objects, optionally with a placeholder at the bottom. */
function deeplyNested(rng: Rng, depth: number, bottom: string): string {
  const objects = rng() < 0.5;
  const open = objects ? '{"a":' : "[";
  const close = objects ? "}" : "]";
  // Now and then unbalanced, so the parser must fail deep inside.
  const closing = rng() < 0.8 ? depth : int(rng, depth);
  return open.repeat(depth) + bottom + close.repeat(closing);
}

const DEPTHS = [50, 500, 1_001, 5_000, 100_000];
const SIZES = [1_000, 100_000, 1_000_000];

/**
 * Socket.IO inputs at the extremes the bounded generators avoid for speed: very deep nesting
 * (plain and around a placeholder), oversized frames, huge or negative counts and ack ids, and
 * invalid UTF-8 as a transport would have decoded it.
 */
export function extremeSocketSequence(rng: Rng): unknown[] {
  switch (int(rng, 6)) {
    case 0:
      return [`2["deep",${deeplyNested(rng, pick(rng, DEPTHS), "1")}]`];
    case 1:
      return [`51-["deep",${deeplyNested(rng, pick(rng, DEPTHS), '{"_placeholder":true,"num":0}')}]`, Buffer.from([1])];
    case 2: {
      const size = pick(rng, SIZES);
      return [pick(rng, [`2["big","${"x".repeat(size)}"]`, `2[${"1,".repeat(size / 2)}1]`, `0{"k":"${"é".repeat(size / 2)}"}`])];
    }
    case 3: {
      const digits = "9".repeat(1 + int(rng, 400));
      return [
        pick(rng, [
          `5${digits}-["n",{"_placeholder":true,"num":0}]`,
          `2${digits}["n"]`,
          `3${digits}[]`,
          `5-${digits}-["n"]`,
          `51-["n",{"_placeholder":true,"num":${digits}}]`,
          `51-["n",{"_placeholder":true,"num":-${digits}}]`,
        ]),
        Buffer.from([2]),
      ];
    }
    case 4:
      return [invalidUtf8Text(rng, pick(rng, ['2["', "2[", "0/", '51-["', "4{", ""]))];
    default: {
      // Many attachments announced and delivered: the count limit must hold whatever follows.
      const count = pick(rng, [10, 11, 100, 1000]);
      const placeholders = Array.from({ length: Math.min(count, 20) }, (_, num) => `{"_placeholder":true,"num":${num}}`).join(",");
      return [`5${count}-["many",${placeholders}]`, ...Array.from({ length: count }, () => Buffer.alloc(1))];
    }
  }
}

/** Engine.IO inputs at the extremes: oversized packets and payloads, many records, invalid UTF-8. */
export function extremeEngineInput(rng: Rng): { kind: "packet" | "payload"; input: string | Uint8Array } {
  switch (int(rng, 4)) {
    case 0:
      return { kind: "packet", input: "4" + "x".repeat(pick(rng, SIZES)) };
    case 1:
      return { kind: "payload", input: Array.from({ length: pick(rng, [1_000, 50_000]) }, () => pick(rng, ENGINE_SEEDS)).join("\x1e") };
    case 2:
      return { kind: rng() < 0.5 ? "packet" : "payload", input: "b" + Buffer.alloc(pick(rng, SIZES), 7).toString("base64").slice(int(rng, 3)) };
    default:
      return { kind: rng() < 0.5 ? "packet" : "payload", input: invalidUtf8Text(rng, pick(rng, ["4", "b", "2", "0{", ""])) };
  }
}
