import { gunzipSync, inflateSync } from "node:zlib";
import { compressBody, pickEncoding } from "./http-compression.js";

describe("pickEncoding", () => {
  it.each([
    [undefined, null],
    ["", null],
    ["br", null],
    ["gzip, deflate, br", "gzip"],
    ["deflate", "deflate"],
    ["gzip;q=0.5, deflate", "deflate"],
    ["gzip;q=0", null],
    ["*", "gzip"],
    [["deflate", "gzip"], "gzip"],
  ])("%j -> %j", (header, expected) => {
    expect(pickEncoding(header)).toBe(expected);
  });
});

describe("compressBody", () => {
  it("round-trips with gzip and deflate", async () => {
    const text = "hello ".repeat(500);
    const gz = await new Promise<Buffer>((resolve, reject) => compressBody(text, "gzip", (err, out) => (err ? reject(err) : resolve(out))));
    expect(gunzipSync(gz).toString()).toBe(text);
    const df = await new Promise<Buffer>((resolve, reject) => compressBody(text, "deflate", (err, out) => (err ? reject(err) : resolve(out))));
    expect(inflateSync(df).toString()).toBe(text);
  });
});
