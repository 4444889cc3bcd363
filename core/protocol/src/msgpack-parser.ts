import { Emitter } from "./emitter.js";
import { ProtocolError } from "./protocol-error.js";
import { PacketType, RESERVED_EVENTS, SOCKET_PROTOCOL, type Packet } from "./socket-packet.js";
import { encodeMsgpack } from "./msgpack-encode.js";
import { decodeMsgpack } from "./msgpack-decode.js";

/*
 * A Socket.IO parser speaking the wire format of `socket.io-msgpack-parser`: each packet is one
 * binary frame, the MessagePack map `{ type, nsp, data?, id? }`. Binary values travel inside it
 * as `bin`, so the BINARY_EVENT / BINARY_ACK types and their attachments are never used.
 */

function isPlainObject(value: unknown): boolean {
  return Object.prototype.toString.call(value) === "[object Object]";
}

function isDataValid(type: PacketType, data: unknown): boolean {
  switch (type) {
    case PacketType.CONNECT:
      return data === undefined || isPlainObject(data);
    case PacketType.DISCONNECT:
      return data === undefined;
    case PacketType.CONNECT_ERROR:
      return typeof data === "string" || isPlainObject(data);
    case PacketType.EVENT: {
      // As socket.io-parser checks it: a peer may not fake `connect`, `disconnect`...
      if (!Array.isArray(data) || data.length === 0) return false;
      const name: unknown = data[0];
      return typeof name === "number" || (typeof name === "string" && !RESERVED_EVENTS.has(name));
    }
    case PacketType.ACK:
      return Array.isArray(data);
    default:
      return false;
  }
}

/** Checks a decoded map and returns it as a Packet, or throws a {@link ProtocolError}. */
function toPacket(decoded: unknown): Packet {
  if (!isPlainObject(decoded)) throw new ProtocolError("INVALID_PAYLOAD", "msgpack packet is not a map");
  const { type, nsp, data, id } = decoded as Record<string, unknown>;
  if (typeof type !== "number" || !Number.isInteger(type) || type < PacketType.CONNECT || type > PacketType.CONNECT_ERROR) {
    throw new ProtocolError("INVALID_PACKET_TYPE", "invalid packet type");
  }
  if (typeof nsp !== "string") throw new ProtocolError("INVALID_PAYLOAD", "invalid namespace");
  if (!isDataValid(type, data)) throw new ProtocolError("INVALID_PAYLOAD", "invalid payload");
  if (id !== undefined && !(typeof id === "number" && Number.isInteger(id) && id >= 0)) {
    throw new ProtocolError("INVALID_PAYLOAD", "invalid packet id");
  }
  const packet: Packet = { type, nsp };
  if (data !== undefined) packet.data = data;
  if (id !== undefined) packet.id = id;
  return packet;
}

/**
 * Encodes packets for `socket.io-msgpack-parser` peers: one binary frame per packet.
 *
 * @example
 * new MsgpackEncoder().encode({ type: 2, nsp: "/", data: ["hello"] }) // [Uint8Array]
 */
export class MsgpackEncoder {
  encode(packet: Packet): Uint8Array[] {
    const out: Record<string, unknown> = { type: packet.type, nsp: packet.nsp ?? "/" };
    if (packet.data !== undefined) out.data = packet.data;
    if (packet.id !== undefined) out.id = packet.id;
    return [encodeMsgpack(out)];
  }
}

/**
 * Decodes `socket.io-msgpack-parser` frames; emits `decoded` with each packet. A text frame or
 * a malformed packet throws a {@link ProtocolError} (the connection then closes with a parse error).
 *
 * @example
 * const decoder = new MsgpackDecoder(); decoder.on("decoded", (packet) => route(packet)); decoder.add(frame);
 */
export class MsgpackDecoder extends Emitter {
  add(chunk: unknown): void {
    if (typeof chunk === "string") throw new ProtocolError("UNEXPECTED_TEXT", "msgpack parser got a text frame");
    if (!(chunk instanceof ArrayBuffer) && !ArrayBuffer.isView(chunk)) {
      throw new ProtocolError("INVALID_ENCODING", "msgpack parser got neither bytes nor text");
    }
    this.emit("decoded", toPacket(decodeMsgpack(chunk)));
  }

  /** Nothing is buffered between frames: there is nothing to drop. */
  destroy(): void {}
}

/**
 * The MessagePack parser as a module in `socket.io-parser`'s shape, for the `parser` option of a
 * client or server; it talks to peers using `socket.io-msgpack-parser`.
 *
 * @example
 * const socket = io("https://example.com", { parser: msgpackParser });
 */
export const msgpackParser = {
  protocol: SOCKET_PROTOCOL,
  Encoder: MsgpackEncoder,
  Decoder: MsgpackDecoder,
} as const;
