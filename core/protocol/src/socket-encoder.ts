import type { BinaryData } from "./binary-data.js";
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
    const isEvent = type === PacketType.EVENT || type === PacketType.BINARY_EVENT;
    // One copy-on-write walk finds the binary and builds the placeholder tree; without binary it
    // allocates nothing and hands the data back untouched, so a text packet costs one walk plus
    // JSON.stringify (hasBinary first, then deconstruct, would walk binary packets twice).
    const { packet: text, buffers } = deconstructPacket({ ...packet, type: isEvent ? PacketType.BINARY_EVENT : PacketType.BINARY_ACK });
    if (buffers.length === 0) {
      const plain = isEvent ? PacketType.EVENT : PacketType.ACK;
      return [this.encodeAsString(type === plain ? packet : { ...packet, type: plain })];
    }
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
