import { resolveEngineOptions } from "./engine-options.js";

describe("client writeBufferHighWaterMark", () => {
  it("defaults to 1 MB and keeps a given mark (Infinity turns flow control off)", () => {
    expect(resolveEngineOptions("http://localhost:3000", {}).writeBufferHighWaterMark).toBe(1e6);
    expect(resolveEngineOptions("http://localhost:3000", { writeBufferHighWaterMark: 0 }).writeBufferHighWaterMark).toBe(0);
    expect(resolveEngineOptions("http://localhost:3000", { writeBufferHighWaterMark: Infinity }).writeBufferHighWaterMark).toBe(Infinity);
  });

  it("refuses a negative or non-numeric mark, naming the option", () => {
    expect(() => resolveEngineOptions(undefined, { writeBufferHighWaterMark: -1 })).toThrow('"writeBufferHighWaterMark"');
    expect(() => resolveEngineOptions(undefined, { writeBufferHighWaterMark: "big" as unknown as number })).toThrow(TypeError);
  });
});
