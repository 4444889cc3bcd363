import { ProtocolError } from "./protocol-error.js";
import { decodeBase64, encodeBase64, isBinary, toUint8Array } from "./binary-data.js";
import { ENGINE_PACKET_CODES, decodeEnginePacket, type BinaryType, type EnginePacket, type EnginePacketType } from "./engine-packet.js";

/**
 * Engine.IO v3 (`engine.io` 3.x, the transport of `socket.io-client` 2.x): what differs from v4 on
 * the wire. A binary packet keeps its type (`b4<base64>` as text, a leading type byte as bytes),
 * and a polling payload is either text records framed `<length>:<packet>` (length in UTF-16 code
 * units), or, for a client that reads bytes, a binary payload of records
 * `<0 text | 1 binary><length as one byte per decimal digit><255><packet>`.
 */
export const ENGINE_PROTOCOL_V3 = 3;

const TYPES_BY_CODE: readonly EnginePacketType[] = ["open", "close", "ping", "pong", "message", "upgrade", "noop"];

/** Longest length prefix accepted (10 digits: far above any body the engine reads). */
const MAX_LENGTH_DIGITS = 10;

// Made on first use: no work at import (and nothing left in a bundle that never speaks v3).
let textEncoder: InstanceType<typeof TextEncoder> | undefined;
let textDecoder: InstanceType<typeof TextDecoder> | undefined;

function codeOf(type: EnginePacketType): string {
  const code = type === "error" ? undefined : ENGINE_PACKET_CODES[type];
  if (code === undefined) throw new TypeError(`cannot encode engine packet of type "${type}"`);
  return code;
}

function typeOf(code: number): EnginePacketType {
  const type = code >= 0 && code < TYPES_BY_CODE.length ? TYPES_BY_CODE[code] : undefined;
  if (type === undefined) throw new ProtocolError("INVALID_PACKET_TYPE", "unknown engine packet type");
  return type;
}

function toBinaryType(bytes: Uint8Array, binaryType: BinaryType): ArrayBuffer | Uint8Array {
  if (binaryType === "nodebuffer") {
    const NodeBuffer = (globalThis as { Buffer?: typeof import("node:buffer").Buffer }).Buffer;
    return NodeBuffer ? NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
  }
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

/**
 * Encodes one v3 packet. Binary data becomes bytes led by the type code when the peer reads
 * bytes (`supportsBinary`: WebSocket, binary polling), else `b<type><base64>`.
 *
 * @example
 * encodeEnginePacketV3({ type: "message", data: Buffer.from([1, 2]) }, false) // "b4AQI="
 */
export function encodeEnginePacketV3(packet: EnginePacket, supportsBinary: boolean): string | Uint8Array {
  const { type, data } = packet;
  const code = codeOf(type);
  if (data === undefined) return code;
  if (typeof data === "string") return code + data;
  if (!isBinary(data)) throw new TypeError("engine packet data must be a string or binary");
  const bytes = toUint8Array(data);
  if (!supportsBinary) return "b" + code + encodeBase64(bytes);
  const out = new Uint8Array(bytes.byteLength + 1);
  out[0] = code.charCodeAt(0) - 48;
  out.set(bytes, 1);
  return out;
}

/** Decodes one v3 packet: a text record, `b<type><base64>`, or bytes led by the type code. */
export function decodeEnginePacketV3(encoded: string | ArrayBuffer | ArrayBufferView, binaryType: BinaryType = "nodebuffer"): EnginePacket {
  if (typeof encoded !== "string") {
    if (!isBinary(encoded) || (typeof Blob === "function" && encoded instanceof Blob)) {
      throw new ProtocolError("INVALID_ENCODING", "engine packet must be text or bytes");
    }
    const bytes = toUint8Array(encoded);
    if (bytes.byteLength === 0) throw new ProtocolError("INVALID_PACKET_TYPE", "empty binary engine packet");
    return { type: typeOf(bytes[0]), data: toBinaryType(bytes.subarray(1), binaryType) };
  }
  if (encoded.charCodeAt(0) === 98 /* b */) {
    const type = typeOf(encoded.charCodeAt(1) - 48);
    const bytes = decodeBase64(encoded.slice(2));
    if (bytes === null) throw new ProtocolError("INVALID_ENCODING", "invalid base64 in binary engine packet");
    return { type, data: toBinaryType(bytes, binaryType) };
  }
  return decodeEnginePacket(encoded, binaryType);
}

/**
 * Encodes a v3 polling payload: a binary payload when the client reads bytes and a packet holds
 * binary, else text records `<length>:<packet>` (binary as base64). No packet gives `"0:"`.
 *
 * @example
 * encodeEnginePayloadV3([{ type: "message", data: "hé" }, { type: "ping" }], false) // "3:4hé1:2"
 */
export function encodeEnginePayloadV3(packets: readonly EnginePacket[], supportsBinary: boolean): string | Uint8Array {
  if (supportsBinary && packets.some((packet) => packet.data !== undefined && typeof packet.data !== "string")) {
    return encodeBinaryPayload(packets);
  }
  if (packets.length === 0) return "0:";
  let out = "";
  for (const packet of packets) {
    const encoded = encodeEnginePacketV3(packet, false) as string;
    out += encoded.length + ":" + encoded;
  }
  return out;
}

function encodeBinaryPayload(packets: readonly EnginePacket[]): Uint8Array {
  const records: Array<{ text: boolean; bytes: Uint8Array }> = [];
  let total = 0;
  for (const packet of packets) {
    const encoded = encodeEnginePacketV3(packet, true);
    const text = typeof encoded === "string";
    const bytes = text ? (textEncoder ??= new TextEncoder()).encode(encoded) : encoded;
    records.push({ text, bytes });
    total += String(bytes.byteLength).length + 2 + bytes.byteLength;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const { text, bytes } of records) {
    out[offset++] = text ? 0 : 1;
    const digits = String(bytes.byteLength);
    for (let i = 0; i < digits.length; i++) out[offset++] = digits.charCodeAt(i) - 48;
    out[offset++] = 255;
    out.set(bytes, offset);
    offset += bytes.byteLength;
  }
  return out;
}

/**
 * Splits a v3 polling payload (text or binary) into packets. Throws {@link ProtocolError} on a
 * bad length, a truncated record or a bad packet: engine.io drops such a payload whole.
 */
export function decodeEnginePayloadV3(payload: string | ArrayBuffer | ArrayBufferView, binaryType: BinaryType = "nodebuffer"): EnginePacket[] {
  if (typeof payload !== "string") return decodeBinaryPayload(toUint8Array(payload), binaryType);
  if (payload.length === 0) throw new ProtocolError("INVALID_PAYLOAD", "empty engine payload");
  const packets: EnginePacket[] = [];
  let i = 0;
  while (i < payload.length) {
    const colon = payload.indexOf(":", i);
    const digits = colon === -1 ? "" : payload.slice(i, colon);
    if (digits.length === 0 || digits.length > MAX_LENGTH_DIGITS || !/^\d+$/.test(digits)) {
      throw new ProtocolError("INVALID_PAYLOAD", "invalid record length in engine payload");
    }
    const length = Number(digits);
    const start = colon + 1;
    if (start + length > payload.length) throw new ProtocolError("INVALID_PAYLOAD", "truncated record in engine payload");
    // An empty record ("0:") is what a payload of no packet looks like: nothing to decode.
    if (length > 0) packets.push(decodeEnginePacketV3(payload.slice(start, start + length), binaryType));
    i = start + length;
  }
  return packets;
}

function decodeBinaryPayload(bytes: Uint8Array, binaryType: BinaryType): EnginePacket[] {
  if (bytes.byteLength === 0) throw new ProtocolError("INVALID_PAYLOAD", "empty engine payload");
  const packets: EnginePacket[] = [];
  let i = 0;
  while (i < bytes.byteLength) {
    const kind = bytes[i++];
    if (kind !== 0 && kind !== 1) throw new ProtocolError("INVALID_PAYLOAD", "invalid record kind in binary engine payload");
    let length = 0;
    let digits = 0;
    for (;;) {
      if (i >= bytes.byteLength) throw new ProtocolError("INVALID_PAYLOAD", "truncated record length in binary engine payload");
      const digit = bytes[i++];
      if (digit === 255) break;
      if (digit > 9 || ++digits > MAX_LENGTH_DIGITS) throw new ProtocolError("INVALID_PAYLOAD", "invalid record length in binary engine payload");
      length = length * 10 + digit;
    }
    if (digits === 0 || i + length > bytes.byteLength) throw new ProtocolError("INVALID_PAYLOAD", "truncated record in binary engine payload");
    const record = bytes.subarray(i, i + length);
    i += length;
    packets.push(kind === 0 ? decodeEnginePacketV3((textDecoder ??= new TextDecoder()).decode(record), binaryType) : decodeEnginePacketV3(record, binaryType));
  }
  return packets;
}
