import {
  decodeEnginePayload,
  decodeEnginePayloadV3,
  encodeEnginePayload,
  encodeEnginePayloadV3,
  ProtocolError,
  type EnginePacket,
} from "@switchboard/protocol";
import { decodeJsonpBody, encodeJsonpScript } from "./jsonp.js";

/** A polling response body and its content type. */
export interface PollingBody {
  body: string | Buffer;
  contentType: string;
}

/**
 * How one polling session writes and reads payloads: Engine.IO v4 text, v3 (text, or binary for
 * a client that reads bytes), or either wrapped for JSONP.
 */
export interface PollingCodec {
  encode(packets: readonly EnginePacket[]): PollingBody;
  /** Throws {@link ProtocolError} on a malformed body. */
  decode(body: string | Buffer): EnginePacket[];
  /** Whether a POST may carry `application/octet-stream` (a v3 binary payload). */
  readonly binaryBody: boolean;
}

const TEXT = "text/plain; charset=UTF-8";
const BINARY = "application/octet-stream";

const text = (body: string | Buffer): string => (typeof body === "string" ? body : body.toString("utf8"));

const V4: PollingCodec = {
  encode: (packets) => ({ body: encodeEnginePayload(packets), contentType: TEXT }),
  decode: (body) => decodeEnginePayload(text(body), "nodebuffer"),
  binaryBody: false,
};

function v3(supportsBinary: boolean): PollingCodec {
  return {
    encode(packets) {
      const payload = encodeEnginePayloadV3(packets, supportsBinary);
      if (typeof payload === "string") return { body: payload, contentType: TEXT };
      return { body: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), contentType: BINARY };
    },
    // A binary POST body stays bytes; a text one is read as UTF-8.
    decode: (body) => decodeEnginePayloadV3(body, "nodebuffer"),
    binaryBody: true,
  };
}

const V3_BINARY = v3(true);
const V3_TEXT = v3(false);

function jsonp(inner: PollingCodec, index: string): PollingCodec {
  return {
    encode(packets) {
      return { body: encodeJsonpScript(index, inner.encode(packets).body as string), contentType: "text/javascript; charset=UTF-8" };
    },
    decode(body) {
      const payload = decodeJsonpBody(text(body));
      if (payload === null) throw new ProtocolError("INVALID_PAYLOAD", 'JSONP body without a "d" field');
      return inner.decode(payload);
    },
    binaryBody: false,
  };
}

/**
 * The codec of a session: `protocol` 3 or 4, `supportsBinary` (v3: the handshake had no `b64`),
 * `jsonpIndex` (the handshake's `j`, already checked to be digits). JSONP is always text.
 */
export function pollingCodecFor(protocol: 3 | 4, supportsBinary: boolean, jsonpIndex?: string): PollingCodec {
  if (jsonpIndex !== undefined) return jsonp(protocol === 3 ? V3_TEXT : V4, jsonpIndex);
  if (protocol === 4) return V4;
  return supportsBinary ? V3_BINARY : V3_TEXT;
}
