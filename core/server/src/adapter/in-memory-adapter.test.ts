import { jest } from "@jest/globals";
import { Encoder, PacketType } from "@switchboard/protocol";
import { Adapter, SessionAwareAdapter, type AdapterNamespace } from "./index.js";

function namespace(recovery?: { maxDisconnectionDuration: number }): AdapterNamespace {
  return {
    name: "/",
    sockets: new Map(),
    _ids: 0,
    server: { encoder: new Encoder(), opts: { connectionStateRecovery: recovery } },
    _onServerSideEmit: () => undefined,
  };
}

describe("Adapter room bookkeeping", () => {
  it("tracks rooms and sids both ways and emits each room event once", () => {
    const adapter = new Adapter(namespace());
    const events: string[] = [];
    for (const name of ["create-room", "delete-room", "join-room", "leave-room"]) {
      adapter.on(name, (...args: unknown[]) => events.push(`${name}:${args.join(",")}`));
    }
    // The in-memory adapter is synchronous.
    void adapter.addAll("a", ["a", "room1"]);
    void adapter.addAll("b", new Set(["b", "room1"]));
    void adapter.addAll("b", ["room1"]);
    expect([...adapter.rooms.get("room1")!]).toEqual(["a", "b"]);
    expect([...adapter.socketRooms("a")!]).toEqual(["a", "room1"]);

    void adapter.del("a", "room1");
    expect([...adapter.rooms.get("room1")!]).toEqual(["b"]);
    adapter.delAll("b");
    expect(adapter.rooms.has("room1")).toBe(false);
    expect(adapter.sids.has("b")).toBe(false);
    expect(events).toEqual([
      "create-room:a",
      "join-room:a,a",
      "create-room:room1",
      "join-room:room1,a",
      "create-room:b",
      "join-room:b,b",
      "join-room:room1,b",
      "leave-room:room1,a",
      "leave-room:b,b",
      "delete-room:b",
      "leave-room:room1,b",
      "delete-room:room1",
    ]);
  });

  it("keeps a socket's rooms and its own room's members apart once it joins or leaves", () => {
    const adapter = new Adapter(namespace());
    const events: string[] = [];
    for (const name of ["create-room", "delete-room", "join-room", "leave-room"]) {
      adapter.on(name, (...args: unknown[]) => events.push(`${name}:${args.join(",")}`));
    }
    void adapter.addAll("a", new Set(["a"]));
    void adapter.addAll("b", new Set(["b"]));
    expect([...adapter.rooms.get("a")!]).toEqual(["a"]);
    expect([...adapter.socketRooms("a")!]).toEqual(["a"]);

    // Joining another room changes the socket's rooms, never its own room's members.
    void adapter.addAll("a", ["room1"]);
    expect([...adapter.socketRooms("a")!]).toEqual(["a", "room1"]);
    expect([...adapter.rooms.get("a")!]).toEqual(["a"]);
    expect([...adapter.rooms.get("room1")!]).toEqual(["a"]);

    // Leaving its own room: the room goes, the socket's other rooms stay.
    void adapter.del("b", "b");
    expect(adapter.rooms.has("b")).toBe(false);
    expect([...adapter.socketRooms("b")!]).toEqual([]);
    void adapter.addAll("b", ["room1"]);
    expect([...adapter.socketRooms("b")!]).toEqual(["room1"]);
    expect(adapter.rooms.has("b")).toBe(false);

    adapter.delAll("a");
    adapter.delAll("b");
    expect([...adapter.rooms.keys()]).toEqual([]);
    expect([...adapter.sids.keys()]).toEqual([]);
    expect(events).toEqual([
      "create-room:a",
      "join-room:a,a",
      "create-room:b",
      "join-room:b,b",
      "create-room:room1",
      "join-room:room1,a",
      "leave-room:b,b",
      "delete-room:b",
      "join-room:room1,b",
      "leave-room:a,a",
      "delete-room:a",
      "leave-room:room1,a",
      "leave-room:room1,b",
      "delete-room:room1",
    ]);
  });

  it("says plainly that serverSideEmit needs a cluster adapter", () => {
    expect(() => new Adapter(namespace()).serverSideEmit(["x"])).toThrow(/does not support the serverSideEmit/);
  });
});

describe("SessionAwareAdapter", () => {
  function event(data: unknown[]) {
    return { type: PacketType.EVENT, nsp: "/", data };
  }

  it("stamps recoverable broadcasts with an offset and replays what a session's rooms missed", async () => {
    const adapter = new SessionAwareAdapter(namespace({ maxDisconnectionDuration: 60_000 }));
    try {
      const first = event(["before"]);
      adapter.broadcast(first, { rooms: new Set() });
      const offset = first.data[1] as string;
      expect(typeof offset).toBe("string");

      adapter.persistSession({ sid: "s1", pid: "p1", rooms: ["s1", "room1"], data: { n: 1 } });
      adapter.broadcast(event(["to-all"]), { rooms: new Set() });
      adapter.broadcast(event(["to-room1"]), { rooms: new Set(["room1"]) });
      adapter.broadcast(event(["to-room2"]), { rooms: new Set(["room2"]) });
      adapter.broadcast(event(["except-room1"]), { rooms: new Set(), except: new Set(["room1"]) });
      adapter.broadcast(event(["volatile"]), { rooms: new Set(), flags: { volatile: true } });

      const session = await adapter.restoreSession("p1", offset);
      expect(session).not.toBeNull();
      expect(session!.sid).toBe("s1");
      expect(session!.data).toEqual({ n: 1 });
      expect(session!.missedPackets.map((args) => args[0])).toEqual(["to-all", "to-room1"]);
      // Recovered once; a second attempt with the same pid finds nothing.
      expect(await adapter.restoreSession("p1", offset)).toBeNull();
    } finally {
      adapter.close();
    }
  });

  it("refuses unknown offsets and expired sessions", async () => {
    // The clock is the thing under test: it moves 5 ms past the sessions' 0 ms allowance.
    jest.useFakeTimers({ now: 1_000_000 });
    const adapter = new SessionAwareAdapter(namespace({ maxDisconnectionDuration: 0 }));
    try {
      const packet = event(["x"]);
      adapter.broadcast(packet, { rooms: new Set() });
      adapter.persistSession({ sid: "s", pid: "p", rooms: [], data: {} });
      adapter.persistSession({ sid: "t", pid: "q", rooms: [], data: {} });
      jest.advanceTimersByTime(5);
      expect(await adapter.restoreSession("p", packet.data[1] as string)).toBeNull();
      expect(await adapter.restoreSession("q", "no-such-offset")).toBeNull();
    } finally {
      adapter.close();
      jest.useRealTimers();
    }
  });
});
