import { createPathMatcher } from "./path-matcher.js";

describe("createPathMatcher", () => {
  it("matches under path + '/' by default", () => {
    const match = createPathMatcher("/engine.io", true);
    expect(match("/engine.io/?EIO=4&transport=polling")).toBe(true);
    expect(match("/engine.io/")).toBe(true);
    expect(match("/engine.io?EIO=4")).toBe(false);
    expect(match("/engine.iox/")).toBe(false);
    expect(match(undefined)).toBe(false);
    expect(createPathMatcher("/socket.io/", true)("/socket.io/?EIO=4")).toBe(true);
  });

  it("matches the bare path without addTrailingSlash", () => {
    const match = createPathMatcher("/engine.io", false);
    expect(match("/engine.io?EIO=4")).toBe(true);
    expect(match("/engine.io")).toBe(true);
    expect(match("/engine.io/?EIO=4")).toBe(true);
    expect(match("/engine.iox?EIO=4")).toBe(false);
  });
});
