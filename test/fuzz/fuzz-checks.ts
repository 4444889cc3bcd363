/**
 * The fuzz properties, shared by the Jest suites and the CLI: decoders yield valid packets or a
 * ProtocolError and never pollute a prototype; socket.io-parser and engine.io-parser serve as
 * oracles. The protocol module and the oracles are passed in (see fuzz-inputs.ts for why).
 */
import type * as ProtocolModule from "@switchboard/protocol";
import type { Protocol } from "./fuzz-inputs.js";

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

/** Minimal view of socket.io-parser's Encoder, for the encoder oracle. */
export interface OracleEncoder {
  encode(packet: unknown): unknown[];
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
  if (ours.length !== theirs.length || ours.some((p, i) => p.type !== theirs[i].type || !sameEngineData(p.data, theirs[i].data))) {
    throw new Error("engine.io-parser decodes this input differently");
  }
  return true;
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
