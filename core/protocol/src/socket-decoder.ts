import { Emitter } from "./emitter.js";
import { isBinary } from "./binary-data.js";
import { reconstructPacket } from "./binary-packet.js";
import { ProtocolError } from "./protocol-error.js";
import { PacketType, RESERVED_EVENTS, type Packet } from "./socket-packet.js";

export interface DecoderOptions {
  /** Passed to JSON.parse. */
  reviver?: (this: unknown, key: string, value: unknown) => unknown;
  /** Most binary attachments one packet may announce (default 10). */
  maxAttachments?: number;
}

const MAX_ACK_ID = Number.MAX_SAFE_INTEGER;

/**
 * Decodes Socket.IO packets chunk by chunk: a text frame, then as many binary frames as it
 * announced. Emits `decoded` with each complete packet. Malformed input throws a
 * {@link ProtocolError}; the caller closes the connection it came from.
 *
 * @example
 * const d = new Decoder(); d.on("decoded", (packet) => handle(packet)); d.add('2["hi"]');
 */
export class Decoder extends Emitter {
  private readonly reviver: DecoderOptions["reviver"];
  private readonly maxAttachments: number;
  private pending: { packet: Packet; buffers: unknown[] } | null = null;

  constructor(options: DecoderOptions | DecoderOptions["reviver"] = {}) {
    super();
    const opts = typeof options === "function" ? { reviver: options } : options;
    this.reviver = opts.reviver;
    this.maxAttachments = opts.maxAttachments ?? 10;
  }

  add(chunk: unknown): void {
    if (typeof chunk === "string") {
      if (this.pending) throw new ProtocolError("UNEXPECTED_TEXT", "got text data while reconstructing a packet");
      const packet = decodeTextPacket(chunk, this.reviver, this.maxAttachments);
      if (packet.type === PacketType.BINARY_EVENT || packet.type === PacketType.BINARY_ACK) {
        this.pending = { packet, buffers: [] };
      } else {
        this.emit("decoded", packet);
      }
      return;
    }
    if (isBinary(chunk)) {
      const pending = this.pending;
      if (!pending) throw new ProtocolError("UNEXPECTED_BINARY", "got binary data when not reconstructing a packet");
      pending.buffers.push(chunk);
      if (pending.buffers.length === pending.packet.attachments) {
        this.pending = null;
        this.emit("decoded", reconstructPacket(pending.packet, pending.buffers));
      }
      return;
    }
    throw new ProtocolError("INVALID_ENCODING", `unknown chunk type: ${typeof chunk}`);
  }

  /** Drops a partially received binary packet. */
  destroy(): void {
    this.pending = null;
  }
}

/**
 * Decodes one text frame into a packet, without the state a {@link Decoder} keeps between frames:
 * a binary packet comes back with its placeholders, and its attachments still to come. Throws a
 * {@link ProtocolError} on malformed input. A server decodes most frames with this alone, and
 * creates a connection's Decoder only for its first binary packet.
 *
 * @example
 * decodeTextPacket('2["hi"]'); // { type: 2, nsp: "/", data: ["hi"] }
 */
export function decodeTextPacket(str: string, reviver?: DecoderOptions["reviver"], maxAttachments = 10): Packet {
  const type = str.charCodeAt(0) - 48;
  if (!(type >= PacketType.CONNECT && type <= PacketType.BINARY_ACK) || str.length === 0) {
    throw new ProtocolError("INVALID_PACKET_TYPE", "unknown packet type");
  }
  const packet: Packet = { type, nsp: "/" };
  let i = 1;

  if (type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK) {
    const dash = str.indexOf("-", i);
    const digits = dash === -1 ? "" : str.slice(i, dash);
    if (!/^\d{1,6}$/.test(digits)) throw new ProtocolError("INVALID_ATTACHMENTS", "Illegal attachments");
    const attachments = Number(digits);
    // A binary packet announces at least one attachment (socket.io-parser rejects 0 too).
    if (attachments < 1) throw new ProtocolError("INVALID_ATTACHMENTS", "Illegal attachments");
    if (attachments > maxAttachments) throw new ProtocolError("INVALID_ATTACHMENTS", "too many attachments");
    packet.attachments = attachments;
    i = dash + 1;
  }

  if (str.charAt(i) === "/") {
    const comma = str.indexOf(",", i);
    const end = comma === -1 ? str.length : comma;
    packet.nsp = str.slice(i, end);
    i = comma === -1 ? end : end + 1;
  }

  let idEnd = i;
  while (idEnd < str.length && str.charCodeAt(idEnd) >= 48 && str.charCodeAt(idEnd) <= 57) idEnd++;
  if (idEnd > i) {
    const id = Number(str.slice(i, idEnd));
    if (!Number.isSafeInteger(id) || id > MAX_ACK_ID) throw new ProtocolError("INVALID_PAYLOAD", "invalid ack id");
    packet.id = id;
    i = idEnd;
  }
  // Only events and acks carry an ack id, and an ack without one answers nothing.
  const takesId = type === PacketType.EVENT || type === PacketType.BINARY_EVENT;
  const needsId = type === PacketType.ACK || type === PacketType.BINARY_ACK;
  if (packet.id === undefined ? needsId : !(takesId || needsId)) {
    throw new ProtocolError("INVALID_PAYLOAD", needsId ? "ack without id" : "unexpected ack id");
  }

  if (i < str.length) {
    // JSON.parse would skip leading whitespace, but socket.io-parser reads `2 [..]` as ack id 0:
    // refusing it keeps both parsers from disagreeing on what the frame means.
    if (isJsonWhitespace(str.charCodeAt(i))) throw new ProtocolError("INVALID_PAYLOAD", "invalid payload");
    let payload: unknown;
    try {
      payload = JSON.parse(str.slice(i), reviver);
    } catch (err) {
      throw new ProtocolError("INVALID_PAYLOAD", "invalid payload", { cause: err });
    }
    if (!isPayloadValid(type, payload)) throw new ProtocolError("INVALID_PAYLOAD", "invalid payload");
    packet.data = payload;
  } else if (!isPayloadValid(type, undefined)) {
    throw new ProtocolError("INVALID_PAYLOAD", "invalid payload");
  }
  return packet;
}

function isJsonWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === "[object Object]";
}

function isPayloadValid(type: PacketType, payload: unknown): boolean {
  switch (type) {
    case PacketType.CONNECT:
      return payload === undefined || isObject(payload);
    case PacketType.DISCONNECT:
      return payload === undefined;
    case PacketType.CONNECT_ERROR:
      return typeof payload === "string" || isObject(payload);
    case PacketType.EVENT:
    case PacketType.BINARY_EVENT:
      return Array.isArray(payload) && (typeof payload[0] === "number" || (typeof payload[0] === "string" && !RESERVED_EVENTS.has(payload[0])));
    case PacketType.ACK:
    case PacketType.BINARY_ACK:
      return Array.isArray(payload);
    default:
      return false;
  }
}
