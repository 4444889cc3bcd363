/**
 * Builds a complete, unmasked WebSocket text frame (FIN set, no extension bits) around `payload`,
 * header and payload in one Buffer: a broadcast builds it once and every recipient's transport
 * writes it as it is (servers never mask, RFC 6455 section 5.1).
 *
 * @example
 * buildTextFrame(Buffer.from("42[\"hi\"]")) // <Buffer 81 08 34 32 5b 22 68 69 22 5d>
 */
export function buildTextFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 0x100000000), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  payload.copy(frame, headerLength);
  return frame;
}
