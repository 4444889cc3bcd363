import type { BinaryData } from "./binary-data.js";
import { extractBinary } from "./binary-packet.js";
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
    const { type, nsp, id } = packet;
    if (type !== PacketType.EVENT && type !== PacketType.ACK && type !== PacketType.BINARY_EVENT && type !== PacketType.BINARY_ACK) {
      return [this.encodeAsString(type, nsp, id, packet.data, 0)];
    }
    const isEvent = type === PacketType.EVENT || type === PacketType.BINARY_EVENT;
    // One copy-on-write walk finds the binary and builds the placeholder tree; without binary it
    // allocates nothing and hands the data back untouched, so a text packet costs one walk plus
    // JSON.stringify (hasBinary first, then deconstruct, would walk binary packets twice).
    const buffers: BinaryData[] = [];
    const data = extractBinary(packet.data, buffers);
    if (buffers.length === 0) return [this.encodeAsString(isEvent ? PacketType.EVENT : PacketType.ACK, nsp, id, data, 0)];
    const frames: EncodedPacket = [this.encodeAsString(isEvent ? PacketType.BINARY_EVENT : PacketType.BINARY_ACK, nsp, id, data, buffers.length)];
    for (let i = 0; i < buffers.length; i++) frames.push(buffers[i]);
    return frames;
  }

  // Fields rather than a packet object: callers need not allocate a modified copy (spreads are slow).
  private encodeAsString(type: PacketType, nsp: string, id: number | undefined, data: unknown, attachments: number): string {
    let out = String(type);
    if (type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK) out += `${attachments}-`;
    if (nsp && nsp !== "/") out += nsp + ",";
    if (id != null) out += id;
    if (data != null) out += JSON.stringify(data, this.replacer);
    return out;
  }
}
