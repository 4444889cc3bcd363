export { ProtocolError, type ProtocolErrorCode } from "./protocol-error.js";
export { Emitter, ListenerTable, type Listener } from "./emitter.js";
export { ListenerList, type AnyListener } from "./listener-list.js";
export { isBinary, hasBinary, toUint8Array, encodeBase64, decodeBase64, utf8Length, type BinaryData } from "./binary-data.js";
export {
  encodeEnginePacket,
  decodeEnginePacket,
  encodeEnginePayload,
  decodeEnginePayload,
  ENGINE_PACKET_CODES,
  ENGINE_PROTOCOL,
  RECORD_SEPARATOR,
  type EnginePacket,
  type EnginePacketType,
  type EngineData,
  type BinaryType,
} from "./engine-packet.js";
export { encodeEnginePacketV3, decodeEnginePacketV3, encodeEnginePayloadV3, decodeEnginePayloadV3, ENGINE_PROTOCOL_V3 } from "./engine-packet-v3.js";
export { PacketType, SOCKET_PROTOCOL, RESERVED_EVENTS, type Packet } from "./socket-packet.js";
export { AUTH_REFRESH_EVENT, type AuthRefreshReply } from "./auth-refresh.js";
export { deconstructPacket, reconstructPacket } from "./binary-packet.js";
export { Encoder, type EncodedPacket } from "./socket-encoder.js";
export { Decoder, decodeTextPacket, type DecoderOptions } from "./socket-decoder.js";
export type {
  EventsMap,
  DefaultEventsMap,
  EventNames,
  EventParams,
  ReservedOrUserEventNames,
  ReservedOrUserListener,
  Last,
  AllButLast,
  EventNamesWithAck,
  EventNamesWithoutAck,
  RemoveAcknowledgements,
  FirstNonErrorArg,
  PrependTimeoutError,
  ExpectMultipleResponses,
  DecorateAcknowledgements,
  DecorateAcknowledgementsWithTimeoutAndMultipleResponses,
  DecorateAcknowledgementsWithMultipleResponses,
} from "./typed-events.js";
export { encodeMsgpack, type MsgpackDialect, type MsgpackEncodeOptions } from "./msgpack-encode.js";
export { decodeMsgpack } from "./msgpack-decode.js";
export { MsgpackEncoder, MsgpackDecoder, msgpackParser } from "./msgpack-parser.js";
