import { findBinary, MAX_BINARY_DEPTH, type BinaryData } from "./binary-data.js";
import { deconstructPacket } from "./binary-packet.js";
import { PacketType, type Packet } from "./socket-packet.js";

/** What one encoded packet becomes: a text frame, then its binary attachments in order. */
export type EncodedPacket = Array<string | BinaryData>;

/**
 * Encodes Socket.IO packets. The result can be written to any number of recipients, so a
 * broadcast encodes once. Same shape as socket.io-parser's `Encoder`, so custom parsers plug in.
 * EVENT and ACK packets whose data holds binary (at any depth, `toJSON` results included) become
 * BINARY_EVENT / BINARY_ACK with attachments; a BINARY_* packet without binary goes out as plain
 * EVENT / ACK, since `50-` is not a valid packet. Data nested deeper than 1000 levels (or cyclic)
 * is a programmer error: `encode` throws a TypeError.
 *
 * @example
 * new Encoder().encode({ type: PacketType.EVENT, nsp: "/", data: ["hi", 1] }) // ['2["hi",1]']
 */
export class Encoder {
  constructor(private readonly replacer?: (this: unknown, key: string, value: unknown) => unknown) {}

  encode(packet: Packet): EncodedPacket {
    const { type } = packet;
    if (type !== PacketType.EVENT && type !== PacketType.ACK && type !== PacketType.BINARY_EVENT && type !== PacketType.BINARY_ACK) {
      return [this.encodeAsString(packet)];
    }
    // One walk decides the frame layout; a text packet then costs this walk plus JSON.stringify,
    // and the walk stops at the first binary value it meets.
    const found = findBinary(packet.data);
    if (found === "too-deep") throw new TypeError(`packet data nested deeper than ${MAX_BINARY_DEPTH} levels (or cyclic)`);
    const isEvent = type === PacketType.EVENT || type === PacketType.BINARY_EVENT;
    if (found === "none") {
      const plain = isEvent ? PacketType.EVENT : PacketType.ACK;
      return [this.encodeAsString(type === plain ? packet : { ...packet, type: plain })];
    }
    const { packet: text, buffers } = deconstructPacket({ ...packet, type: isEvent ? PacketType.BINARY_EVENT : PacketType.BINARY_ACK });
    return [this.encodeAsString(text), ...buffers];
  }

  private encodeAsString(packet: Packet): string {
    let out = String(packet.type);
    if (packet.type === PacketType.BINARY_EVENT || packet.type === PacketType.BINARY_ACK) {
      out += `${packet.attachments ?? 0}-`;
    }
    if (packet.nsp && packet.nsp !== "/") out += packet.nsp + ",";
    if (packet.id != null) out += packet.id;
    if (packet.data != null) out += JSON.stringify(packet.data, this.replacer);
    return out;
  }
}
