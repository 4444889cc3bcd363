import type { Socket as ClientSocket } from "socket.io-client";
import type { Socket } from "@switchboard/server";
import { jest } from "@jest/globals";
import { once, waitFor } from "../support/index.js";
import { fakeTimeouts, settleWithFakeTimeouts } from "../support/fake-timeouts.js";
import { connected, startServer, TRANSPORT_MODES, upgraded, type Fixture } from "./server-fixture.js";

/** Resolves when the server receives the next ACK packet from this socket's client (after it has handled it). */
function nextAck(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const onPacket = (packet: { type: string; data?: unknown }) => {
      if (packet.type !== "message" || typeof packet.data !== "string" || !packet.data.startsWith("3")) return;
      socket.conn.off("packet", onPacket);
      // "packet" comes before the Socket.IO layer reads it: resolve after that.
      setImmediate(resolve);
    };
    socket.conn.on("packet", onPacket);
  });
}

/** Collects what each client receives for `event`. */
function record(clients: ClientSocket[], event: string): string[][] {
  return clients.map((client) => {
    const got: string[] = [];
    client.on(event, (value: string) => got.push(value));
    return got;
  });
}

describe.each(TRANSPORT_MODES)("rooms and broadcast operators over %s", (mode) => {
  let f: Fixture;
  let clients: ClientSocket[];
  let sockets: Socket[];

  beforeEach(async () => {
    f = await startServer({}, mode);
    sockets = [];
    f.io.on("connection", (socket) => sockets.push(socket));
    clients = [f.client(), f.client(), f.client()];
    await Promise.all(clients.map((c) => connected(c)));
    await Promise.all(clients.map((c) => upgraded(c, mode)));
    await waitFor(() => sockets.length === 3);
    // Same order on both sides, so index i is one client.
    sockets.sort((a, b) => clients.findIndex((c) => c.id === a.id) - clients.findIndex((c) => c.id === b.id));
  });
  afterEach(() => {
    // A test stopped halfway must not leave its fake timeouts to the next one.
    jest.useRealTimers();
    return f.close();
  });

  it("joins and leaves rooms, and targets them with to/in/except/broadcast", async () => {
    const [a, b, c] = sockets as [Socket, Socket, Socket];
    await a.join("red");
    await b.join(["red", "blue"]);
    await c.join("blue");
    expect(b.rooms).toEqual(new Set([b.id, "red", "blue"]));
    expect(f.io.sockets.adapter.rooms.get("red")).toEqual(new Set([a.id, b.id]));

    const got = record(clients, "m");
    f.io.to("red").emit("m", "to red");
    f.io.in("blue").emit("m", "in blue");
    f.io.to(["red", "blue"]).except("blue").emit("m", "red not blue");
    f.io.except("red").emit("m", "except red");
    a.broadcast.emit("m", "broadcast from a");
    a.to("blue").emit("m", "a to blue");
    b.to("red").emit("m", "b to red");
    f.io.emit("m", "all");
    f.io.of("/").local.emit("m", "local");
    f.io.compress(false).emit("m", "uncompressed");
    await waitFor(() => got[0].length === 6 && got[1].length === 7 && got[2].length === 7, 3000).catch(() => {
      throw new Error(JSON.stringify(got));
    });
    expect(got[0]).toEqual(["to red", "red not blue", "b to red", "all", "local", "uncompressed"]);
    expect(got[1]).toEqual(["to red", "in blue", "broadcast from a", "a to blue", "all", "local"].concat("uncompressed"));
    expect(got[2]).toEqual(["in blue", "except red", "broadcast from a", "a to blue", "all", "local", "uncompressed"]);

    await b.leave("red");
    expect(b.rooms).toEqual(new Set([b.id, "blue"]));
    const after = record(clients, "n");
    f.io.to("red").emit("n", "red again");
    // Each connection delivers in order: once everyone has the next broadcast, "red again" went to a only.
    f.io.emit("n", "all again");
    await waitFor(() => after.every((got) => got.includes("all again")));
    expect(after).toEqual([["red again", "all again"], ["all again"], ["all again"]]);
    // a socket's own id is a room
    const direct = once<unknown[]>(clients[2], "direct");
    f.io.to(c.id).emit("direct", "only c");
    expect(await direct).toEqual(["only c"]);
  });

  it("reusable operators are immutable", async () => {
    const red = f.io.to("red");
    const redNotBlue = red.except("blue");
    expect(redNotBlue).not.toBe(red);
    await sockets[0].join(["red", "blue"]);
    await sockets[1].join("red");
    expect(await red.allSockets()).toEqual(new Set([sockets[0].id, sockets[1].id]));
    expect(await redNotBlue.allSockets()).toEqual(new Set([sockets[1].id]));
    expect(await f.io.allSockets()).toEqual(new Set(sockets.map((s) => s.id)));
  });

  it("collects broadcast acks from every recipient, and times out on silent ones", async () => {
    clients.forEach((client, i) => client.on("q", (n: number, cb: (r: string) => void) => cb(`${i}:${n}`)));
    const responses = await f.io.timeout(2000).emitWithAck("q", 7);
    expect((responses as string[]).sort()).toEqual(["0:7", "1:7", "2:7"]);

    const viaCallback = await new Promise<[Error | null, string[]]>((resolve) =>
      f.io
        .to(sockets[1].id)
        .timeout(2000)
        .emit("q", 1, (err: Error | null, r: string[]) => resolve([err, r])),
    );
    expect(viaCallback).toEqual([null, ["1:1"]]);

    // A broadcast to nobody completes at once with no responses.
    expect(await f.io.to("empty-room").timeout(1000).emitWithAck("q", 0)).toEqual([]);

    clients[2].off("q");
    clients[2].on("q", () => {}); // never answers
    // The broadcast's timer is faked: it fires once the server holds both answers, however slow the machine.
    const answered = sockets.slice(0, 2).map((socket) => nextAck(socket));
    fakeTimeouts();
    let settled: Promise<[Error | null, string[]]>;
    try {
      settled = new Promise<[Error | null, string[]]>((resolve) => f.io.timeout(100).emit("q", 3, (e: Error | null, r: string[]) => resolve([e, r])));
      await settleWithFakeTimeouts(Promise.all(answered));
      jest.advanceTimersByTime(100);
    } finally {
      jest.useRealTimers();
    }
    const [err, partial] = await settled;
    expect(err?.message).toBe("operation has timed out");
    expect(partial.sort()).toEqual(["0:3", "1:3"]);
    await expect(sockets[0].broadcast.timeout(100).emitWithAck("q", 4)).rejects.toThrow("operation has timed out");
  });

  it("fetchSockets, socketsJoin, socketsLeave and disconnectSockets act on the selection", async () => {
    const [a, b, c] = sockets as [Socket, Socket, Socket];
    a.data = { name: "a" };
    f.io.in(a.id).socketsJoin(["x", "y"]);
    f.io.except(a.id).socketsJoin("z");
    expect(a.rooms).toEqual(new Set([a.id, "x", "y"]));
    expect(b.rooms.has("z") && c.rooms.has("z")).toBe(true);

    const inZ = await f.io.in("z").fetchSockets();
    expect(inZ.map((s) => s.id).sort()).toEqual([b.id, c.id].sort());
    const [fetchedA] = await f.io.in("x").fetchSockets();
    expect(fetchedA.data).toEqual({ name: "a" });
    expect(fetchedA.handshake).toBe(a.handshake);

    f.io.socketsLeave("z");
    expect(b.rooms.has("z")).toBe(false);

    const disconnected = once<[string]>(clients[1], "disconnect");
    const reason = once<[string]>(b, "disconnect");
    f.io.in(b.id).disconnectSockets();
    expect((await disconnected)[0]).toBe("io server disconnect");
    expect((await reason)[0]).toBe("server namespace disconnect");
    expect(f.io.sockets.sockets.size).toBe(2);
    expect(clients[0].connected && clients[2].connected).toBe(true);
  });

  it("volatile emits are dropped only when the transport cannot take them", async () => {
    const got = record(clients, "v");
    f.io.volatile.emit("v", "volatile");
    sockets[0].volatile.emit("v", "socket volatile");
    f.io.emit("v", "reliable");
    await waitFor(() => got.every((list) => list.includes("reliable")));
    expect(got[0].filter((v) => v !== "reliable").length).toBeLessThanOrEqual(2);
    if (mode === "websocket") {
      // An idle WebSocket is writable: the first volatile packet reaches everyone.
      for (const list of got) expect(list[0]).toBe("volatile");
    }
  });
});
