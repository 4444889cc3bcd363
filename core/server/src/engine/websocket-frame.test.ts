import { createRequire } from "node:module";
import { buildTextFrame } from "./websocket-frame.js";

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
function wsFrame(payload: Buffer): Buffer {
  const list = Sender.frame(payload, { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false });
  return Buffer.concat(list);
}

describe("buildTextFrame", () => {
  it.each([0, 1, 125, 126, 127, 65535, 65536, 70000])("matches ws's frame for a %d-byte payload", (length) => {
    const payload = Buffer.alloc(length, "a");
    expect(buildTextFrame(payload).equals(wsFrame(payload))).toBe(true);
  });

  it("keeps multi-byte UTF-8 payloads intact", () => {
    const payload = Buffer.from('42["é","ü"]');
    const frame = buildTextFrame(payload);
    expect(frame[1]).toBe(payload.length);
    expect(frame.subarray(2).toString("utf8")).toBe('42["é","ü"]');
  });
});
