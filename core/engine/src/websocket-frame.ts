// Whole, unmasked WebSocket frames (FIN set, no extension bits), header and payload in one Buffer,
// so a batch of them is one write and a broadcast builds its frame once for every recipient.
// Servers never mask (RFC 6455 section 5.1). Only valid while permessage-deflate is off.

export const TEXT = 0x1;
export const BINARY = 0x2;

function headerLength(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

function writeHeader(frame: Buffer, opcode: number, length: number): number {
  frame[0] = 0x80 | opcode;
  if (length < 126) {
    frame[1] = length;
    return 2;
  }
  if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
    return 4;
  }
  frame[1] = 127;
  frame.writeUInt32BE(Math.floor(length / 0x100000000), 2);
  frame.writeUInt32BE(length >>> 0, 6);
  return 10;
}

/**
 * A frame of `opcode` (`TEXT` or `BINARY`) around `payload`.
 *
 * @example
 * buildFrame(Buffer.from("42[\"hi\"]"), TEXT) // <Buffer 81 08 34 32 5b 22 68 69 22 5d>
 */
export function buildFrame(payload: Uint8Array, opcode: number): Buffer {
  const length = payload.byteLength;
  const frame = Buffer.allocUnsafe(headerLength(length) + length);
  frame.set(payload, writeHeader(frame, opcode, length));
  return frame;
}

/** A text frame whose payload are the UTF-8 bytes of `payload` (already valid UTF-8). */
export function buildTextFrame(payload: Uint8Array): Buffer {
  return buildFrame(payload, TEXT);
}

/** A text frame of `text`, encoded straight into the frame (no intermediate Buffer). */
export function textFrameOf(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const frame = Buffer.allocUnsafe(headerLength(length) + length);
  frame.write(text, writeHeader(frame, TEXT, length), "utf8");
  return frame;
}

/** The text frame of an Engine.IO message of `text` (`"4" + text`), without joining the strings. */
export function messageFrameOf(text: string): Buffer {
  const length = Buffer.byteLength(text) + 1;
  const frame = Buffer.allocUnsafe(headerLength(length) + length);
  const at = writeHeader(frame, TEXT, length);
  frame[at] = 0x34;
  frame.write(text, at + 1, "utf8");
  return frame;
}
