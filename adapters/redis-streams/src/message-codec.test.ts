import { createRequire } from "node:module";
import { MessageType, type ClusterMessage } from "@switchboard/server";
import { decodeEntry, decodePubSub, encodeEntry, encodePubSub, hasBinary, parseMid } from "./message-codec.js";

// @msgpack/msgpack is what @socket.io/redis-streams-adapter encodes with: it is the oracle.
const require = createRequire(import.meta.url);
const msgpack = require("@msgpack/msgpack") as { encode(v: unknown): Uint8Array; decode(b: Uint8Array): unknown };

const broadcast = (data: unknown[]): ClusterMessage & { data: unknown } => ({
  uid: "u1",
  nsp: "/chat",
  type: MessageType.BROADCAST,
  data: { packet: { type: 2, nsp: "/chat", data }, opts: { rooms: ["r"], except: [], flags: {} } },
});

/** An entry as the official adapter writes it. */
function officialEntry(message: ClusterMessage & { data: unknown }, binary: boolean): Record<string, string> {
  return {
    uid: message.uid,
    nsp: message.nsp,
    type: String(message.type),
    data: binary ? Buffer.from(msgpack.encode(message.data)).toString("base64") : JSON.stringify(message.data),
  };
}

describe("stream entries", () => {
  it("are JSON without binary, and MessagePack in base64 with it", () => {
    const plain = encodeEntry(broadcast(["e", { a: 1 }]), false);
    expect(plain).toEqual({ uid: "u1", nsp: "/chat", type: "3", data: JSON.stringify(broadcast(["e", { a: 1 }]).data) });
    const binary = encodeEntry(broadcast(["e", Buffer.from([1, 2])]), false);
    expect(binary.data.startsWith("{")).toBe(false);
    const theirs = msgpack.decode(Buffer.from(binary.data, "base64")) as { packet: { data: unknown[] } };
    expect(Buffer.from(theirs.packet.data[1] as Uint8Array)).toEqual(Buffer.from([1, 2]));
    // onlyPlaintext skips the binary check, as the official option does.
    expect(encodeEntry(broadcast(["e", "x"]), true).data.startsWith("{")).toBe(true);
  });

  it("read what the official adapter writes, both ways", () => {
    const withBinary = broadcast(["e", new Uint8Array([7, 8]), { when: new Date(1_700_000_000_123) }]);
    const decoded = decodeEntry(officialEntry(withBinary, true)) as ClusterMessage & { data: { packet: { data: unknown[] } } };
    expect(decoded.type).toBe(MessageType.BROADCAST);
    expect(Buffer.from(decoded.data.packet.data[1] as Buffer)).toEqual(Buffer.from([7, 8]));
    expect(decoded.data.packet.data[2]).toEqual({ when: new Date(1_700_000_000_123) });
    const join = { uid: "u2", nsp: "/", type: MessageType.SOCKETS_JOIN, data: { opts: { rooms: [], except: ["x"] }, rooms: ["a"] } } as ClusterMessage & {
      data: unknown;
    };
    expect(decodeEntry(officialEntry(join, false))).toEqual(join);
  });

  it("ignore what is not a cluster message", () => {
    expect(decodeEntry({ note: "far future" })).toBeUndefined();
    expect(decodeEntry({ uid: "u", nsp: "/", type: "3", data: "{not json" })).toBeUndefined();
    expect(decodeEntry({ uid: "u", nsp: "/", type: "3", data: "%%%" })).toBeUndefined();
  });

  it("carry the publisher and sequence of Switchboard's writers", () => {
    expect(parseMid("abc:12")).toEqual({ publisher: "abc", seq: 12 });
    expect(parseMid(undefined)).toBeUndefined();
    expect(parseMid("no-sequence")).toBeUndefined();
    expect(parseMid("abc:x")).toBeUndefined();
  });
});

describe("pub/sub messages", () => {
  it("are the whole message in MessagePack, read by @msgpack/msgpack and read from it", () => {
    const request = {
      uid: "u",
      nsp: "/",
      type: MessageType.SERVER_SIDE_EMIT,
      data: { packet: ["q", undefined, Buffer.from([3])], requestId: "r1" },
    } as ClusterMessage;
    const theirs = msgpack.decode(encodePubSub(request)) as { data: { packet: unknown[] } };
    expect(theirs.data.packet[1]).toBeNull();
    expect(Buffer.from(theirs.data.packet[2] as Uint8Array)).toEqual(Buffer.from([3]));
    const response = {
      uid: "v",
      nsp: "/",
      type: MessageType.FETCH_SOCKETS_RESPONSE,
      data: { requestId: "r1", sockets: [{ id: "s", rooms: ["s"], data: { at: new Date(5000) } }] },
    };
    expect(decodePubSub(Buffer.from(msgpack.encode(response)))).toEqual(response);
    expect(decodePubSub(Buffer.from([0xc1]))).toBeUndefined();
    expect(decodePubSub(Buffer.from(msgpack.encode({ hello: "world" })))).toBeUndefined();
  });

  it("look for binary anywhere, through toJSON too", () => {
    expect(hasBinary({ a: [1, { b: new ArrayBuffer(2) }] })).toBe(true);
    expect(hasBinary({ toJSON: () => ({ x: Buffer.alloc(1) }) })).toBe(true);
    expect(hasBinary({ a: [1, "two", { three: null }] })).toBe(false);
  });
});
