import vm from "node:vm";
import { pollingCodecFor } from "./polling-codec.js";

const PACKETS = [
  { type: "message" as const, data: "hé" },
  { type: "message" as const, data: Buffer.from([1, 2]) },
];

describe("pollingCodecFor", () => {
  it("v4: records joined by \\x1e, binary as base64, never a binary body", () => {
    const codec = pollingCodecFor(4, true);
    expect(codec.encode(PACKETS)).toEqual({ body: "4hé\x1ebAQI=", contentType: "text/plain; charset=UTF-8" });
    expect(codec.binaryBody).toBe(false);
    expect(codec.decode(Buffer.from("4hé\x1ebAQI="))).toEqual(PACKETS);
  });

  it("v3: a binary payload for a client that reads bytes, text records for one that asked for base64", () => {
    const binary = pollingCodecFor(3, true).encode(PACKETS);
    expect(binary.contentType).toBe("application/octet-stream");
    expect(Buffer.isBuffer(binary.body)).toBe(true);
    expect(pollingCodecFor(3, true).decode(binary.body)).toEqual(PACKETS);
    expect(pollingCodecFor(3, false).encode(PACKETS)).toEqual({ body: "3:4hé6:b4AQI=", contentType: "text/plain; charset=UTF-8" });
    expect(pollingCodecFor(3, false).binaryBody).toBe(true);
  });

  it("JSONP: always text, wrapped in a script, read from a form", () => {
    for (const protocol of [3, 4] as const) {
      const codec = pollingCodecFor(protocol, true, "7");
      const { body, contentType } = codec.encode(PACKETS);
      expect(contentType).toBe("text/javascript; charset=UTF-8");
      const got: unknown[] = [];
      vm.runInNewContext(body as string, { ___eio: { 7: (p: unknown) => got.push(p) } });
      expect(got).toEqual([protocol === 3 ? "3:4hé6:b4AQI=" : "4hé\x1ebAQI="]);
      expect(codec.binaryBody).toBe(false);
      expect(codec.decode("d=" + encodeURIComponent(got[0] as string))).toEqual(PACKETS);
    }
  });
});
