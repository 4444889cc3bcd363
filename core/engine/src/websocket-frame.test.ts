import { createRequire } from "node:module";
import { BINARY, buildFrame, buildTextFrame, messageFrameOf, TEXT, textFrameOf } from "./websocket-frame.js";

interface FrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
}
// `ws` exposes its frame builder at runtime; @types/ws does not declare it.
const Sender = (createRequire(import.meta.url)("ws") as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } }).Sender;

/** The frame `ws` itself builds for the same payload (unmasked text frame), as one Buffer. */
function wsFrame(payload: Buffer, opcode = TEXT): Buffer {
  const list = Sender.frame(payload, { fin: true, rsv1: false, opcode, mask: false, readOnly: false });
  return Buffer.concat(list);
}

describe("buildTextFrame", () => {
  it.each([0, 1, 125, 126, 127, 65535, 65536, 70000])("matches ws's frame for a %d-byte payload", (length) => {
    const payload = Buffer.alloc(length, "a");
    expect(buildTextFrame(payload).equals(wsFrame(payload))).toBe(true);
  });

  it.each([0, 125, 126, 65536])("builds a text frame straight from a %d-character string", (length) => {
    const text = "4" + "é".repeat(length);
    expect(textFrameOf(text).equals(wsFrame(Buffer.from(text)))).toBe(true);
  });

  it.each([0, 124, 125, 65534, 65535])('builds the frame of an Engine.IO message of %d characters ("4" + text)', (length) => {
    const text = "é".repeat(length >> 1) + "a".repeat(length - (length >> 1));
    expect(messageFrameOf(text).equals(wsFrame(Buffer.from("4" + text)))).toBe(true);
  });

  it.each([0, 200, 70000])("builds a binary frame of %d bytes from any byte view", (length) => {
    const bytes = Buffer.alloc(length + 4, 7).subarray(2, 2 + length);
    const expected = wsFrame(Buffer.from(bytes), BINARY);
    expect(buildFrame(bytes, BINARY).equals(expected)).toBe(true);
    expect(buildFrame(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), BINARY).equals(expected)).toBe(true);
  });

  it("keeps multi-byte UTF-8 payloads intact", () => {
    const payload = Buffer.from('42["é","ü"]');
    const frame = buildTextFrame(payload);
    expect(frame[1]).toBe(payload.length);
    expect(frame.subarray(2).toString("utf8")).toBe('42["é","ü"]');
  });
});
