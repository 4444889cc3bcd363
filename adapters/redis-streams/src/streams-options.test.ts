import { channelsOf, resolveStreamsOptions, streamOf } from "./streams-options.js";

describe("options", () => {
  it("fill the official defaults", () => {
    expect(resolveStreamsOptions({})).toMatchObject({
      streamName: "socket.io",
      streamCount: 1,
      channelPrefix: "socket.io",
      maxLen: 10_000,
      readCount: 100,
      blockTimeInMs: 5000,
      sessionKeyPrefix: "sio:session:",
      onlyPlaintext: false,
      maxPendingPublishes: 10_000,
    });
  });

  it.each([
    [{ maxLen: 0 }, /maxLen/],
    [{ readCount: 1.5 }, /readCount/],
    [{ streamName: "" }, /streamName/],
    [{ maxPendingPublishes: -1 }, /maxPendingPublishes/],
    [{ useShardedPubSub: true }, /useShardedPubSub/],
  ])("refuse %j at once, naming the option", (opts, name) => {
    expect(() => resolveStreamsOptions(opts)).toThrow(name);
  });

  it("route namespaces to streams as the official adapter does (its hash, negative remainders included)", () => {
    expect(streamOf("/", { streamName: "s", streamCount: 1 })).toBe("s");
    // "/".charCodeAt(0) = 47: 47 % 3 = 2.
    expect(streamOf("/", { streamName: "s", streamCount: 3 })).toBe("s-2");
    // The 32-bit hash of this name is negative, and so is its remainder.
    let hash = 0;
    for (const c of "/orders-europe") hash = (hash * 31 + c.charCodeAt(0)) | 0;
    expect(hash).toBeLessThan(0);
    expect(streamOf("/orders-europe", { streamName: "s", streamCount: 4 })).toBe(`s-${hash % 4}`);
  });

  it("name the channels of the official adapter, and one of Switchboard's own for heartbeats", () => {
    const channels = channelsOf("/chat", "p");
    expect(channels.requests).toBe("p#/chat#");
    expect(channels.responsesTo("abc")).toBe("p#/chat#abc#");
    expect(channels.heartbeats).toBe("p-heartbeat#/chat#");
  });
});
