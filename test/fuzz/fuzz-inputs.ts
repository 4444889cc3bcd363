/**
 * Seeded input generators and the property checks shared by the Jest fuzz suites and the long-run
 * CLI (`run-fuzz.mjs`). Nothing here is imported at run time from the protocol package: callers
 * pass the module in, so the CLI can run this file against the built `dist` and Jest against the
 * sources. Same seed, same inputs: a failure message always names its seed and index.
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
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[int(rng, items.length)]!;

/** Fragments that steer mutations towards the parsers' interesting branches. */
const TOKENS = [
  "0", "1", "2", "3", "4", "5", "6", "7", "9", "-", "/", ",", "[", "]", "{", "}", '"', ":", "b", "=", " ", "\x1e",
  "/admin", "/admin,", "51-", "52-", "60-", "5-1-", "511-", "99999999999999999999", "-1", "1e3", "0x1", "NaN", "null",
  '"__proto__"', '"constructor"', '"prototype"', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}',
  '{"_placeholder":true,"num":0}', '{"_placeholder":true,"num":1}', '{"_placeholder":true,"num":-1}',
  '{"_placeholder":true,"num":"0"}', '{"_placeholder":true,"num":0.5}', '{"_placeholder":true,"num":1e400}',
  '{"_placeholder":true,"num":"__proto__"}', '{"__proto__":{"_placeholder":true,"num":0}}', '{"constructor":{"_placeholder":true,"num":0}}', '"connect"', '"disconnect"', '"newListener"', "true", "false", "[[[[", "]]]]",
  "\ud800", "\udfff", "é", "💥", "\u0000", "AQID", "AQ==", "probe",
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
  ["0", 0], ["0/admin,", 0], ["0/admin", 0], ['0{"token":"abc"}', 0], ['0/admin,{"pid":"x","offset":"1"}', 0],
  ["1", 0], ["1/admin,", 0], ['2["hello"]', 0], ['2["hello",1,{"a":[true,null]}]', 0], ['2/admin,["a"]', 0],
  ['213["ack me"]', 0], ['2/admin,456["x",{"y":"z"}]', 0], ["2[1]", 0], ['3["ok"]', 0], ["37[]", 0], ['3/admin,9["a",2]', 0],
  ['4{"message":"Invalid namespace"}', 0], ['4/admin,{"message":"no","data":{"code":1}}', 0], ['4"legacy"', 0],
  ['51-["file",{"_placeholder":true,"num":0}]', 1], ['52-["two",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]', 2],
  ['51-/admin,12["x",[{"_placeholder":true,"num":0}]]', 1], ['61-3[{"_placeholder":true,"num":0}]', 1],
  ['62-/admin,7[{"a":{"_placeholder":true,"num":1}},{"_placeholder":true,"num":0}]', 2],
  ['51-["p",{"__proto__":{"_placeholder":true,"num":0},"constructor":{"prototype":{"_placeholder":true,"num":0}}}]', 1],
  ['2["p",{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}]', 0],
];

/** Valid Engine.IO records (payloads are joined from these). */
export const ENGINE_SEEDS: readonly string[] = [
  '0{"sid":"abc","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}',
  "1", "2", "2probe", "3", "3probe", "4hello", "4", '42["chat","hi"]', "5", "6", "bAQID", "bAQ==", "b",
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

const OBJECT_PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).join();
const ARRAY_PROTO_KEYS = Object.getOwnPropertyNames(Array.prototype).join();

/** Throws if any input so far has added to or replaced a built-in prototype. */
export function assertPrototypesIntact(): void {
  if (
    Object.getOwnPropertyNames(Object.prototype).join() !== OBJECT_PROTO_KEYS ||
    Object.getOwnPropertyNames(Array.prototype).join() !== ARRAY_PROTO_KEYS ||
    ({} as Record<string, unknown>).polluted !== undefined ||
    Object.getPrototypeOf({}) !== Object.prototype
  ) {
    throw new Error("a built-in prototype was polluted");
  }
}

export type Outcome = "valid" | "rejected";

/**
 * Walks decoded data: only JSON values and binary; plain objects and arrays keep their real
 * prototypes; no placeholder survives reconstruction and none leaves a hole (`undefined`).
 */
function assertDataShape(protocol: Protocol, value: unknown, binaryPacket: boolean, depth = 0): void {
  if (value === undefined) throw new Error("decoded data holds undefined (a hole left by a placeholder?)");
  if (value === null || typeof value !== "object" || depth > 200) return;
  if (protocol.isBinary(value)) return;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype) throw new Error("decoded object has a foreign prototype");
  if (binaryPacket && (value as { _placeholder?: unknown })._placeholder === true) throw new Error("placeholder left in a binary packet");
  for (const key of Object.keys(value)) assertDataShape(protocol, (value as Record<string, unknown>)[key], binaryPacket, depth + 1);
}

/** Checks a decoded Socket.IO packet against the protocol's rules. */
export function assertValidSocketPacket(protocol: Protocol, packet: ProtocolModule.Packet): void {
  const { PacketType } = protocol;
  if (!Number.isInteger(packet.type) || packet.type < 0 || packet.type > 6) throw new Error(`bad type ${packet.type}`);
  if (typeof packet.nsp !== "string" || !packet.nsp.startsWith("/")) throw new Error(`bad nsp ${String(packet.nsp)}`);
  if (packet.id !== undefined && (!Number.isSafeInteger(packet.id) || packet.id < 0)) throw new Error(`bad id ${packet.id}`);
  if (packet.attachments !== undefined) throw new Error("attachments left on a decoded packet");
  const { data } = packet;
  switch (packet.type) {
    case PacketType.CONNECT:
      if (data !== undefined && Object.prototype.toString.call(data) !== "[object Object]") throw new Error("bad CONNECT data");
      break;
    case PacketType.DISCONNECT:
      if (data !== undefined) throw new Error("DISCONNECT with data");
      break;
    case PacketType.CONNECT_ERROR:
      if (typeof data !== "string" && Object.prototype.toString.call(data) !== "[object Object]") throw new Error("bad CONNECT_ERROR data");
      break;
    case PacketType.EVENT:
    case PacketType.BINARY_EVENT:
      if (!Array.isArray(data) || !(typeof data[0] === "number" || (typeof data[0] === "string" && !protocol.RESERVED_EVENTS.has(data[0])))) {
        throw new Error("bad EVENT data");
      }
      break;
    default:
      if (!Array.isArray(data)) throw new Error("bad ACK data");
  }
  if (data !== undefined) {
    assertDataShape(protocol, data, packet.type === PacketType.BINARY_EVENT || packet.type === PacketType.BINARY_ACK);
  }
}

/**
 * Feeds one chunk sequence to a fresh Decoder. Property: every chunk is accepted or rejected with
 * a ProtocolError (which ends the sequence, as a real connection would close); every decoded
 * packet is valid. Any other exception escapes to the caller as a failure.
 */
export function checkSocketSequence(protocol: Protocol, chunks: readonly unknown[]): Outcome {
  const decoder = new protocol.Decoder();
  const decoded: ProtocolModule.Packet[] = [];
  decoder.on("decoded", (packet: ProtocolModule.Packet) => decoded.push(packet));
  let outcome: Outcome = "valid";
  try {
    for (const chunk of chunks) decoder.add(chunk);
  } catch (err) {
    if (!(err instanceof protocol.ProtocolError)) throw err;
    outcome = "rejected";
  }
  for (const packet of decoded) assertValidSocketPacket(protocol, packet);
  assertPrototypesIntact();
  return outcome;
}

/** Same property for Engine.IO: a packet list with well-formed types and data, or a ProtocolError. */
export function checkEngineInput(protocol: Protocol, kind: "packet" | "payload", input: string | Uint8Array): Outcome {
  let packets: ProtocolModule.EnginePacket[];
  try {
    if (kind === "packet") packets = [protocol.decodeEnginePacket(input, "nodebuffer"), protocol.decodeEnginePacket(input, "arraybuffer")];
    else packets = protocol.decodeEnginePayload(input as string);
  } catch (err) {
    if (!(err instanceof protocol.ProtocolError)) throw err;
    return "rejected";
  }
  for (const packet of packets) {
    if (!(packet.type in protocol.ENGINE_PACKET_CODES)) throw new Error(`bad engine packet type ${packet.type}`);
    if (packet.data !== undefined && typeof packet.data !== "string" && !protocol.isBinary(packet.data)) throw new Error("bad engine data");
  }
  assertPrototypesIntact();
  return "valid";
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
    return pick(rng, [
      () => Buffer.from(bytes),
      () => bytes,
      () => bytes.buffer,
      () => new Uint16Array(2),
      () => new DataView(bytes.buffer),
    ])();
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

/** Minimal view of socket.io-parser's Encoder, for the encoder oracle. */
export interface OracleEncoder {
  encode(packet: unknown): unknown[];
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

/**
 * Encoder oracle: our frames equal socket.io-parser's (text byte for byte, attachments by
 * identity), and our Decoder reads them back. Returns whether the packet carried binary.
 */
export function checkEncoderAgainstOracle(protocol: Protocol, oracle: () => OracleEncoder, packet: ProtocolModule.Packet): boolean {
  const ours = new protocol.Encoder().encode(packet);
  const theirs = oracle().encode({ ...packet });
  if (ours.length !== theirs.length || ours.some((frame, i) => frame !== theirs[i])) {
    throw new Error(`encoders disagree: ${JSON.stringify(ours[0])} vs ${JSON.stringify(theirs[0])}`);
  }
  let outcome: Outcome;
  try {
    outcome = checkSocketSequence(protocol, ours);
  } catch (err) {
    throw new Error(`decoding our own frame ${JSON.stringify(ours[0])}: ${(err as Error).message}`);
  }
  if (outcome !== "valid") throw new Error(`our Decoder rejects our Encoder's frame ${JSON.stringify(ours[0])}`);
  return ours.length > 1;
}

/** Minimal view of engine.io-parser, for the Engine.IO oracle. */
export interface EngineOracle {
  decodePacket(data: unknown, binaryType?: string): { type: string; data?: unknown };
  decodePayload(payload: string, binaryType?: string): Array<{ type: string; data?: unknown }>;
  encodePacket(packet: unknown, supportsBinary: boolean, callback: (encoded: unknown) => void): void;
}

function sameEngineData(a: unknown, b: unknown): boolean {
  if (typeof a === "string" || a === undefined) return a === b;
  if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b)) return false;
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

/**
 * Engine.IO oracle on one input: whatever engine.io-parser turns into an error packet, we reject;
 * whatever both accept decodes to the same packets. Returns whether engine.io-parser accepted it.
 */
export function checkEngineAgainstOracle(protocol: Protocol, oracle: EngineOracle, kind: "packet" | "payload", input: string | Uint8Array): boolean {
  const theirs = kind === "packet" ? [oracle.decodePacket(input, "nodebuffer")] : oracle.decodePayload(input as string, "nodebuffer");
  const theyAccept = !theirs.some((p) => p.type === "error");
  let ours: ProtocolModule.EnginePacket[];
  try {
    ours = kind === "packet" ? [protocol.decodeEnginePacket(input)] : protocol.decodeEnginePayload(input as string);
  } catch (err) {
    if (err instanceof protocol.ProtocolError) return theyAccept;
    throw err;
  }
  if (!theyAccept) throw new Error("engine.io-parser rejects this input but we accept it");
  if (ours.length !== theirs.length || ours.some((p, i) => p.type !== theirs[i]!.type || !sameEngineData(p.data, theirs[i]!.data))) {
    throw new Error("engine.io-parser decodes this input differently");
  }
  return true;
}

/** A random Engine.IO packet: any type with or without text, or a binary message. */
export function randomEnginePacket(protocol: Protocol, rng: Rng): ProtocolModule.EnginePacket {
  const types = Object.keys(protocol.ENGINE_PACKET_CODES) as Array<Exclude<ProtocolModule.EnginePacketType, "error">>;
  if (rng() < 0.3) return { type: "message", data: Buffer.from(randomBytes(rng, 16)) };
  return { type: pick(rng, types), ...(rng() < 0.8 ? { data: randomString(rng, 12) } : {}) };
}

/** Engine.IO encoder oracle: the packet encodes to engine.io-parser's frame over both transports. */
export function checkEngineEncoderAgainstOracle(protocol: Protocol, oracle: EngineOracle, packet: ProtocolModule.EnginePacket): void {
  for (const supportsBinary of [true, false]) {
    const ours = protocol.encodeEnginePacket(packet, supportsBinary);
    let theirs: unknown;
    oracle.encodePacket(packet, supportsBinary, (encoded) => (theirs = encoded));
    if (!sameEngineData(ours, theirs)) throw new Error(`engine encoders disagree (supportsBinary=${supportsBinary})`);
  }
}

/** Minimal view of socket.io-parser's Decoder, for the oracle property. */
export interface OracleDecoder {
  add(chunk: unknown): void;
  on(event: "decoded", fn: (packet: unknown) => void): unknown;
}

/**
 * Oracle property on one text frame: whatever socket.io-parser rejects, we reject too (we are
 * allowed to be stricter). Returns whether the oracle accepted it.
 */
export function checkAgainstOracle(protocol: Protocol, oracle: () => OracleDecoder, text: string): boolean {
  let theyAccept = true;
  try {
    const theirs = oracle();
    theirs.on("decoded", () => undefined);
    theirs.add(text);
  } catch {
    theyAccept = false;
  }
  if (theyAccept) return true;
  try {
    new protocol.Decoder().add(text);
  } catch (err) {
    if (err instanceof protocol.ProtocolError) return false;
    throw err;
  }
  throw new Error("socket.io-parser rejects this frame but we accept it");
}

/** Prints a failing input so the run can be reproduced (used by the suites and the CLI). */
export function describeFailure(seed: number, index: number, input: unknown, err: unknown): string {
  const shown = JSON.stringify(input, (_k, v: unknown) => (v instanceof Uint8Array ? `<bytes ${Buffer.from(v).toString("hex")}>` : v));
  return `fuzz failure (seed=${seed}, index=${index}): ${err instanceof Error ? err.message : String(err)}\ninput: ${shown}`;
}
