import { parseEntries, parseNumSub, parseStrings, parseXRead } from "./redis-replies.js";
import { compareIds, isStreamId, nextId } from "./stream-ids.js";

const entries = [
  ["1-0", ["uid", "a", "data", "{}"]],
  ["1-1", ["uid", "b"]],
];
const parsed = [
  { id: "1-0", fields: { uid: "a", data: "{}" } },
  { id: "1-1", fields: { uid: "b" } },
];

describe("Redis replies", () => {
  it("read XREAD in the shapes of both libraries and both protocols", () => {
    expect(parseXRead(null)).toEqual([]);
    expect(parseXRead([["s", entries]])).toEqual(parsed); // RESP2
    expect(parseXRead({ s: entries })).toEqual(parsed); // RESP3, redis
    expect(parseXRead(new Map([["s", entries]]))).toEqual(parsed); // RESP3 with a Map type mapping
    expect(parseXRead(["s", entries])).toEqual(parsed); // RESP3, ioredis (flattened map)
  });

  it("read XRANGE, PUBSUB NUMSUB and script answers", () => {
    expect(parseEntries(entries)).toEqual(parsed);
    expect(parseEntries([["2-0", { uid: "c" }]])).toEqual([{ id: "2-0", fields: { uid: "c" } }]);
    expect(parseEntries("garbage")).toEqual([]);
    expect(parseNumSub(["a", 2, "b", 1], ["a", "b"])).toEqual([2, 1]);
    expect(parseNumSub({ b: 3, a: 0 }, ["a", "b"])).toEqual([0, 3]);
    expect(parseStrings([1, "e", Buffer.from("x")])).toEqual(["1", "e", "x"]);
  });
});

describe("stream ids", () => {
  it("are checked, compared and followed", () => {
    expect(isStreamId("1700000000000-0")).toBe(true);
    for (const bad of ["$", "0", "1-", "-1", "1-2-3", 12, undefined, "9".repeat(50) + "-0"]) expect(isStreamId(bad)).toBe(false);
    expect(compareIds("1-5", "2-0")).toBeLessThan(0);
    expect(compareIds("2-10", "2-9")).toBeGreaterThan(0);
    expect(compareIds("99999999999999-0", "99999999999999-0")).toBe(0);
    expect(nextId("5-9")).toBe("5-10");
    expect(nextId("18446744073709551615-0")).toBe("18446744073709551615-1");
  });
});
