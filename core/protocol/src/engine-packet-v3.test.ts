/**
 * Engine.IO v3 codec, checked against the parser the `socket.io-client` 2.x peer itself uses
 * (engine.io-parser 2.2, bundled with it): what we encode it decodes, and the reverse.
 */
import { createRequire } from "node:module";
import path from "node:path";
import {
  decodeEnginePacketV3,
  decodeEnginePayloadV3,
  encodeEnginePacketV3,
  encodeEnginePayloadV3,
  ENGINE_PROTOCOL_V3,
  ProtocolError,
  type EnginePacket,
} from "@switchboard/protocol";

const require = createRequire(import.meta.url);
const clientDir = path.dirname(require.resolve("socket.io-client-v2/package.json"));

interface PeerPacket {
  type: string;
  data?: string | Buffer;
}
interface PeerParser {
  encodePacket(packet: PeerPacket, supportsBinary: boolean, utf8encode: boolean, cb: (encoded: string | Buffer) => void): void;
  decodePacket(data: string | Buffer, binaryType?: string, utf8decode?: boolean): PeerPacket;
  encodePayload(packets: PeerPacket[], supportsBinary: boolean, cb: (encoded: string | Buffer) => void): void;
  decodePayload(data: string | Buffer, cb: (packet: PeerPacket, index: number, total: number) => unknown): void;
}
const peer = require(path.join(clientDir, "node_modules/engine.io-parser/lib/index.js")) as PeerParser;

function peerEncodePayload(packets: PeerPacket[], supportsBinary: boolean): string | Buffer {
  let out: string | Buffer | undefined;
  peer.encodePayload(packets, supportsBinary, (encoded) => (out = encoded));
  return out!;
}

function peerDecodePayload(data: string | Buffer): PeerPacket[] {
  const packets: PeerPacket[] = [];
  peer.decodePayload(data, (packet) => {
    packets.push(packet);
  });
  return packets;
}

function expectProtocolError(fn: () => unknown): void {
  expect(fn).toThrow(ProtocolError);
}

const MIXED: EnginePacket[] = [
  { type: "open", data: '{"sid":"abc"}' },
  { type: "message", data: "hé 💥 ok" },
  { type: "message", data: Buffer.from([0, 1, 2, 255]) },
  { type: "ping" },
  { type: "noop" },
];

describe("engine packets, protocol v3", () => {
  it("is revision 3", () => {
    expect(ENGINE_PROTOCOL_V3).toBe(3);
  });

  it("encodes binary with its type: a leading byte, or b<type><base64>", () => {
    const data = Buffer.from([1, 2, 3]);
    expect(encodeEnginePacketV3({ type: "message", data }, false)).toBe("b4AQID");
    expect(Buffer.from(encodeEnginePacketV3({ type: "message", data }, true) as Uint8Array)).toEqual(Buffer.from([4, 1, 2, 3]));
    expect(encodeEnginePacketV3({ type: "pong", data: "probe" }, true)).toBe("3probe");
  });

  it("decodes what the v2 client's parser encodes, text and bytes", () => {
    for (const supportsBinary of [true, false]) {
      for (const packet of MIXED) {
        let encoded: string | Buffer | undefined;
        peer.encodePacket(packet as PeerPacket, supportsBinary, false, (e) => (encoded = e));
        expect(decodeEnginePacketV3(encoded!)).toEqual(packet);
      }
    }
  });

  it("encodes what the v2 client's parser decodes", () => {
    for (const packet of MIXED) {
      expect(peer.decodePacket(encodeEnginePacketV3(packet, false) as string)).toEqual(packet);
      const bytes = encodeEnginePacketV3(packet, true);
      expect(peer.decodePacket(typeof bytes === "string" ? bytes : Buffer.from(bytes))).toEqual(packet);
    }
  });

  it("frames text payloads with their length in UTF-16 units", () => {
    expect(encodeEnginePayloadV3([{ type: "message", data: "hé" }, { type: "ping" }], false)).toBe("3:4hé1:2");
    expect(encodeEnginePayloadV3([{ type: "message", data: "💥" }], true)).toBe("3:4💥");
    expect(encodeEnginePayloadV3([], false)).toBe("0:");
  });

  it("round-trips payloads with the v2 client's parser, as text and as binary", () => {
    for (const supportsBinary of [true, false]) {
      const ours = encodeEnginePayloadV3(MIXED, supportsBinary);
      expect(typeof ours === "string").toBe(!supportsBinary);
      expect(peerDecodePayload(typeof ours === "string" ? ours : Buffer.from(ours))).toEqual(MIXED);
      const theirs = peerEncodePayload(MIXED as PeerPacket[], supportsBinary);
      expect(decodeEnginePayloadV3(theirs)).toEqual(MIXED);
    }
  });

  it("answers binary as ArrayBuffer when asked", () => {
    const [packet] = decodeEnginePayloadV3("6:b4AQID", "arraybuffer");
    expect(packet.data).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(packet.data as ArrayBuffer)]).toEqual([1, 2, 3]);
  });

  it("skips empty records and refuses malformed payloads", () => {
    expect(decodeEnginePayloadV3("0:")).toEqual([]);
    expectProtocolError(() => decodeEnginePayloadV3(""));
    expectProtocolError(() => decodeEnginePayloadV3("4"));
    expectProtocolError(() => decodeEnginePayloadV3("x:4a"));
    expectProtocolError(() => decodeEnginePayloadV3("5:4a"));
    expectProtocolError(() => decodeEnginePayloadV3("2:4a1"));
    expectProtocolError(() => decodeEnginePayloadV3("2:9a"));
    expectProtocolError(() => decodeEnginePayloadV3("12345678901:4"));
    expectProtocolError(() => decodeEnginePayloadV3(Buffer.from([2, 1, 255, 52])));
    expectProtocolError(() => decodeEnginePayloadV3(Buffer.from([0, 5, 255, 52])));
    expectProtocolError(() => decodeEnginePayloadV3(Buffer.from([0, 1, 2])));
    expectProtocolError(() => decodeEnginePayloadV3(Buffer.alloc(0)));
    expectProtocolError(() => decodeEnginePacketV3(Buffer.alloc(0)));
    expectProtocolError(() => decodeEnginePacketV3(Buffer.from([9, 1])));
    expectProtocolError(() => decodeEnginePacketV3("b4***"));
  });
});
