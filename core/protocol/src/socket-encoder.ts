import { hasBinary, type BinaryData } from "./binary-data.js";
import { deconstructPacket } from "./binary-packet.js";
import { PacketType, type Packet } from "./socket-packet.js";

/** What one encoded packet becomes: a text frame, then its binary attachments in order. */
export type EncodedPacket = Array<string | BinaryData>;

/**
 * Encodes Socket.IO packets. The result can be written to any number of recipients, so a
 * broadcast encodes once. Same shape as socket.io-parser's `Encoder`, so custom parsers plug in.
 *
 * @example
 * new Encoder().encode({ type: PacketType.EVENT, nsp: "/", data: ["hi", 1] }) // ['2["hi",1]']
 */
export class Encoder {
  constructor(private readonly replacer?: (this: unknown, key: string, value: unknown) => unknown) {}

  encode(packet: Packet): EncodedPacket {
    if ((packet.type === PacketType.EVENT || packet.type === PacketType.ACK) && hasBinary(packet.data)) {
      const { packet: text, buffers } = deconstructPacket({
        ...packet,
        type: packet.type === PacketType.EVENT ? PacketType.BINARY_EVENT : PacketType.BINARY_ACK,
      });
      return [this.encodeAsString(text), ...buffers];
    }
    return [this.encodeAsString(packet)];
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
