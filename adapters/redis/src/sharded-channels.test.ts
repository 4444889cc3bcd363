import { createRequire } from "node:module";
import { MessageType, type ClusterMessage } from "@switchboard/server";
import { ShardedChannels } from "./sharded-channels.js";
import { decodeShardMessage, encodeShardMessage } from "./sharded-codec.js";
import { resolveShardedOptions } from "./sharded-options.js";

// notepack.io is what the official sharded adapter encodes binary messages with: it is the oracle.
const require = createRequire(import.meta.url);
const notepack = require("notepack.io") as { encode(v: unknown): Buffer; decode(b: Buffer): unknown };

const broadcast = (rooms: string[], requestId?: string): ClusterMessage => ({
  uid: "abc",
  nsp: "/chat",
  type: MessageType.BROADCAST,
  data: { packet: { type: 2, nsp: "/chat", data: ["ev", 1] }, opts: { rooms, except: [], flags: {} }, ...(requestId ? { requestId } : {}) },
});

describe("sharded channels", () => {
  it("names the namespace's, the response and the room channels", () => {
    const channels = new ShardedChannels("sio", "/chat", "dynamic");
    expect(channels.main).toBe("sio#/chat#");
    expect(channels.responses("n1")).toBe("sio#/chat#n1#");
    expect(channels.room("lobby")).toBe("sio#/chat#lobby#");
  });

  it.each([
    ["static", ["lobby"], undefined, "sio#/chat#"],
    ["dynamic", ["lobby"], undefined, "sio#/chat#lobby#"],
    ["dynamic", ["lobby", "other"], undefined, "sio#/chat#"],
    ["dynamic", [], undefined, "sio#/chat#"],
    ["dynamic", ["lobby"], "req-1", "sio#/chat#"],
    ["dynamic", ["a".repeat(20)], undefined, "sio#/chat#"],
    ["dynamic-private", ["a".repeat(20)], undefined, `sio#/chat#${"a".repeat(20)}#`],
  ] as const)("%s: a broadcast to %j (request %s) goes on %s", (mode, rooms, requestId, expected) => {
    expect(new ShardedChannels("sio", "/chat", mode).of(broadcast([...rooms], requestId))).toBe(expected);
  });

  it("keeps every other message on the namespace's channel", () => {
    const join: ClusterMessage = { uid: "abc", nsp: "/chat", type: MessageType.SOCKETS_JOIN, data: { opts: { rooms: ["lobby"] }, rooms: ["x"] } };
    expect(new ShardedChannels("sio", "/chat", "dynamic-private").of(join)).toBe("sio#/chat#");
  });
});

describe("sharded codec", () => {
  it("writes JSON without binary, notepack's MessagePack with it, and reads both", () => {
    const plain = broadcast(["r"]);
    const json = encodeShardMessage(plain);
    expect(typeof json).toBe("string");
    expect(decodeShardMessage(Buffer.from(json))).toEqual(plain);

    const binary = broadcast(["r"]);
    if (binary.type === MessageType.BROADCAST) binary.data.packet = { type: 5, nsp: "/chat", data: ["ev", Buffer.from([1, 2])] };
    const packed = encodeShardMessage(binary) as Buffer;
    expect(notepack.decode(packed)).toEqual(binary);
    expect(decodeShardMessage(notepack.encode(binary))).toEqual(binary);
  });

  it("drops payloads that are not cluster messages", () => {
    expect(decodeShardMessage(Buffer.from('{"hello":1}'))).toBeUndefined();
    expect(decodeShardMessage(notepack.encode([1, 2]))).toBeUndefined();
    expect(() => decodeShardMessage(Buffer.from("{oops"))).toThrow();
  });
});

describe("sharded options", () => {
  it("fills the defaults", () => {
    expect(resolveShardedOptions()).toEqual({
      channelPrefix: "socket.io",
      subscriptionMode: "dynamic",
      heartbeatInterval: 5000,
      heartbeatTimeout: 10_000,
      requestsTimeout: 5000,
    });
  });

  it.each([
    [{ channelPrefix: 3 }, "channelPrefix"],
    [{ subscriptionMode: "private" }, "subscriptionMode"],
    [{ requestsTimeout: 0 }, "requestsTimeout"],
    [{ heartbeatInterval: 2000, heartbeatTimeout: 1000 }, "heartbeatTimeout"],
  ])("refuses %j, naming %s", (opts, option) => {
    expect(() => resolveShardedOptions(opts as never)).toThrow(expect.objectContaining({ code: "REDIS_SHARDED_INVALID_OPTION", option }));
  });
});
