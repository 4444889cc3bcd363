import { decodeMsgpack as decodeBytes, encodeMsgpack as encodeBytes, type MsgpackDialect, type MsgpackEncodeOptions } from "@switchboard/protocol";

export type { MsgpackDialect };

// The official Redis adapter and emitter run notepack.io in Node: ArrayBuffers and non-byte views are ext type 0.
const NOTEPACK: MsgpackEncodeOptions = { dialect: "notepack", arrayBuffersAsExt: true };
const MSGPACK: MsgpackEncodeOptions = { dialect: "msgpack" };

/**
 * Encodes a value as MessagePack for the Redis adapters: `"notepack"` (default) as the official
 * Redis adapter and emitter write it, `"msgpack"` as the official Redis Streams adapter does.
 * The codec is `@switchboard/protocol`'s; this returns its bytes as a Buffer (no copy).
 *
 * @example
 * await pubClient.publish(channel, encodeMsgpack([uid, packet, opts]));
 */
export function encodeMsgpack(value: unknown, dialect: MsgpackDialect = "notepack"): Buffer {
  const bytes = encodeBytes(value, dialect === "msgpack" ? MSGPACK : NOTEPACK);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decodes one MessagePack value of either dialect; throws a ProtocolError on malformed or trailing input. */
export function decodeMsgpack(input: Buffer): unknown {
  return decodeBytes(input);
}
