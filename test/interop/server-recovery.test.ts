import type { Socket } from "@switchboard/server";
import { once, waitFor } from "../support/index.js";
import { connected, startServer, TRANSPORT_MODES, upgraded, type Fixture } from "./server-fixture.js";

describe.each(TRANSPORT_MODES)("connection state recovery over %s", (mode) => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startServer({ connectionStateRecovery: { maxDisconnectionDuration: 10_000 } }, mode);
  });
  afterEach(() => f.close());

  it("restores id, rooms and data, replays missed events, and skips middlewares", async () => {
    let middlewareRuns = 0;
    f.io.use((_socket, next) => {
      middlewareRuns++;
      next();
    });
    const sockets: Socket[] = [];
    f.io.on("connection", (socket) => sockets.push(socket));
    const client = f.client("/", { reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 100 });
    const received: unknown[] = [];
    client.on("evt", (v: unknown) => received.push(v));
    await connected(client);
    await upgraded(client, mode);
    expect(client.recovered).toBe(false);
    await waitFor(() => sockets.length === 1);
    const first = sockets[0];
    expect(first.recovered).toBe(false);
    await first.join("room1");
    first.data = { user: "alice" };

    first.emit("evt", "direct");
    f.io.to("room1").emit("evt", "room before");
    await waitFor(() => received.length === 2);

    // While the client is away, events to its rooms are kept for it.
    first.on("disconnect", () => {
      f.io.to("room1").emit("evt", "missed room");
      f.io.emit("evt", "missed all");
      f.io.to("other-room").emit("evt", "not for it");
    });
    const reconnected = once(client, "connect", 5000);
    client.io.engine.close();
    await reconnected;

    expect(client.recovered).toBe(true);
    await waitFor(() => sockets.length === 2);
    const second = sockets[1];
    expect(second.recovered).toBe(true);
    expect(second.id).toBe(first.id);
    expect(client.id).toBe(first.id);
    expect(second.rooms).toEqual(new Set([first.id, "room1"]));
    expect(second.data).toEqual({ user: "alice" });
    expect(middlewareRuns).toBe(1);
    await waitFor(() => received.length === 4);
    expect(received).toEqual(["direct", "room before", "missed room", "missed all"]);

    // Events after the recovery still flow (and carry a new offset).
    f.io.to("room1").emit("evt", "after");
    await waitFor(() => received.length === 5);
    expect(received[4]).toBe("after");
  });

  it("starts a fresh session when the offset or the session is unknown", async () => {
    const conn = once<[Socket]>(f.io, "connection");
    const client = f.client("/", { auth: { pid: "unknown-pid", offset: "unknown-offset" } });
    await connected(client);
    const [socket] = await conn;
    expect(socket.recovered).toBe(false);
    expect(client.recovered).toBe(false);
    expect(socket.handshake.auth).toEqual({ pid: "unknown-pid", offset: "unknown-offset" });
  });

  it("does not restore after an explicit server-side disconnect", async () => {
    const sockets: Socket[] = [];
    f.io.on("connection", (socket) => sockets.push(socket));
    const client = f.client("/", { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 50 });
    await connected(client);
    await waitFor(() => sockets.length === 1);
    const gone = once(client, "disconnect");
    sockets[0].disconnect();
    await gone;
    client.connect();
    await connected(client);
    await waitFor(() => sockets.length === 2);
    expect(sockets[1].recovered).toBe(false);
    expect(sockets[1].id).not.toBe(sockets[0].id);
  });
});
