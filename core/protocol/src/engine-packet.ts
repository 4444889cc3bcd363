import { ProtocolError } from "./protocol-error.js";
import { decodeBase64, encodeBase64, isBinary, toUint8Array } from "./binary-data.js";

/** Engine.IO v4 packet types, by name as Engine.IO names them. */
export type EnginePacketType = "open" | "close" | "ping" | "pong" | "message" | "upgrade" | "noop" | "error";

/** Wire code of each packet type (`error` is local only: it never crosses the wire). */
export const ENGINE_PACKET_CODES: Readonly<Record<Exclude<EnginePacketType, "error">, string>> = {
  open: "0",
  close: "1",
  ping: "2",
  pong: "3",
  message: "4",
  upgrade: "5",
  noop: "6",
};

const TYPES_BY_CODE: readonly EnginePacketType[] = ["open", "close", "ping", "pong", "message", "upgrade", "noop"];

/** Data an engine packet carries: text, or bytes (Buffer in Node, ArrayBuffer in browsers). */
export type EngineData = string | ArrayBuffer | ArrayBufferView;

export interface EnginePacket {
  type: EnginePacketType;
  data?: EngineData;
  options?: { compress?: boolean };
}

/** How decoded binary is handed out: Node Buffers or ArrayBuffers. */
export type BinaryType = "nodebuffer" | "arraybuffer";

/** The separator between packets of a polling payload (ASCII record separator). */
export const RECORD_SEPARATOR = "\x1e";

/** Engine.IO protocol revision implemented here. */
export const ENGINE_PROTOCOL = 4;

/**
 * Encodes one packet. With `supportsBinary` (WebSocket), a binary message is returned as-is and
 * sent as a binary frame; without it (polling), it becomes `b` + base64.
 *
 * @example
 * encodeEnginePacket({ type: "message", data: "hello" }, true) // "4hello"
 */
export function encodeEnginePacket(packet: EnginePacket, supportsBinary: boolean): string | ArrayBuffer | ArrayBufferView {
  const { type, data } = packet;
  if (data !== undefined && typeof data !== "string") {
    if (!isBinary(data)) throw new TypeError("engine packet data must be a string or binary");
    return supportsBinary ? data : "b" + encodeBase64(data);
  }
  const code = type === "error" ? undefined : ENGINE_PACKET_CODES[type];
  if (code === undefined) throw new TypeError(`cannot encode engine packet of type "${type}"`);
  return data === undefined ? code : code + data;
}

function toBinaryType(bytes: Uint8Array, binaryType: BinaryType): ArrayBuffer | Uint8Array {
  if (binaryType === "nodebuffer") {
    const NodeBuffer = (globalThis as { Buffer?: typeof import("node:buffer").Buffer }).Buffer;
    if (NodeBuffer) return NodeBuffer.isBuffer(bytes) ? bytes : NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return bytes;
  }
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
    return bytes.buffer;
  }
  // Copy into a fresh ArrayBuffer: Buffer#slice would share (and expose) the whole allocation pool.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

/**
 * Decodes one packet: a text record (`<type><data>` or `b<base64>`) or a binary frame, which is
 * always a message. Throws {@link ProtocolError} on anything else.
 */
export function decodeEnginePacket(encoded: string | ArrayBuffer | ArrayBufferView, binaryType: BinaryType = "nodebuffer"): EnginePacket {
  if (typeof encoded !== "string") {
    if (!isBinary(encoded) || (typeof Blob === "function" && encoded instanceof Blob)) {
      throw new ProtocolError("INVALID_ENCODING", "engine packet must be text or bytes");
    }
    return { type: "message", data: toBinaryType(toUint8Array(encoded), binaryType) };
  }
  const first = encoded.charAt(0);
  if (first === "b") {
    const bytes = decodeBase64(encoded.slice(1));
    if (bytes === null) throw new ProtocolError("INVALID_ENCODING", "invalid base64 in binary engine packet");
    return { type: "message", data: toBinaryType(bytes, binaryType) };
  }
  const code = encoded.charCodeAt(0) - 48;
  const type = encoded.length > 0 && code >= 0 && code < TYPES_BY_CODE.length ? TYPES_BY_CODE[code] : undefined;
  if (type === undefined) throw new ProtocolError("INVALID_PACKET_TYPE", "unknown engine packet type");
  return encoded.length > 1 ? { type, data: encoded.slice(1) } : { type };
}

/**
 * Joins packets into one long-polling payload (records separated by `\x1e`, binary as base64).
 *
 * @example
 * encodeEnginePayload([{ type: "message", data: "a" }, { type: "ping" }]) // "4a\x1e2"
 */
export function encodeEnginePayload(packets: readonly EnginePacket[]): string {
  let out = "";
  for (let i = 0; i < packets.length; i++) {
    if (i > 0) out += RECORD_SEPARATOR;
    out += encodeEnginePacket(packets[i], false) as string;
  }
  return out;
}

/** Splits a long-polling payload into packets. Throws {@link ProtocolError} on a bad record. */
export function decodeEnginePayload(payload: string, binaryType: BinaryType = "nodebuffer"): EnginePacket[] {
  if (payload.length === 0) throw new ProtocolError("INVALID_PAYLOAD", "empty engine payload");
  const records = payload.split(RECORD_SEPARATOR);
  const packets = new Array<EnginePacket>(records.length);
  for (let i = 0; i < records.length; i++) {
    packets[i] = decodeEnginePacket(records[i], binaryType);
  }
  return packets;
}
