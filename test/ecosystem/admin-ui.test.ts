import type { Socket as ClientSocket } from "socket.io-client";
import { jwtAuth } from "@switchboard/server";
import { connected, refused, SECRET, signToken } from "../e2e/auth/harness.js";
import { Clients, once, waitFor } from "../support/index.js";
import { ADMIN_PASSWORD, ADMIN_PASSWORD_HASH, ADMIN_USER, startAdminApp, type AdminApp } from "./admin-app.js";

// @socket.io/admin-ui 0.5 instruments our Server unchanged: the /admin namespace it creates gets the
// config, the socket list, live socket/room/event updates and the server stats it draws, and its
// commands (emit, join, leave, disconnect) act on our sockets.
const clients = new Clients();
let app: AdminApp | undefined;

afterEach(async () => {
  await clients.closeAll();
  await app?.close();
  app = undefined;
});

const basicAuth = { type: "basic" as const, username: ADMIN_USER, password: ADMIN_PASSWORD_HASH };

/** Records every event a socket receives, in order, as `[event, ...args]`. */
function recordAll(socket: ClientSocket): unknown[][] {
  const seen: unknown[][] = [];
  socket.onAny((...args: unknown[]) => seen.push(args));
  return seen;
}

/** Events the admin socket received, by name. */
function named(seen: unknown[][], event: string): unknown[][] {
  return seen.filter((e) => e[0] === event).map((e) => e.slice(1));
}

/** The same, about the main namespace only (the admin's own socket, in /admin, is reported too). */
function about(seen: unknown[][], event: string): unknown[][] {
  return named(seen, event).filter((args) => args[0] === "/" || (args[0] as { nsp?: string }).nsp === "/");
}

describe("@socket.io/admin-ui on @switchboard/server: development mode, no auth", () => {
  beforeEach(async () => {
    app = await startAdminApp({}, { auth: false, mode: "development" });
    app.io.on("connection", (socket) => {
      socket.data.role = "player";
      socket.on("join", (room: string, ack: () => void) => void Promise.resolve(socket.join(room)).then(ack));
      socket.on("leave", (room: string, ack: () => void) => void Promise.resolve(socket.leave(room)).then(ack));
      socket.on("ping-me", (ack: (r: string) => void) => {
        socket.emit("pong-you", 42);
        ack("done");
      });
    });
  });

  it("sends the config and every socket of every namespace on connection", async () => {
    const user = await connected(clients.open(app!.url, { transports: ["websocket"], query: { team: "blue" } }));
    const admin = clients.open(app!.url + "/admin");
    const seen = recordAll(admin);
    await connected(admin);
    await waitFor(() => named(seen, "all_sockets").length === 1, 5000, "all_sockets");

    const [config] = named(seen, "config")[0] as [{ supportedFeatures: string[] }];
    expect(config.supportedFeatures.sort()).toEqual(
      ["AGGREGATED_EVENTS", "ALL_EVENTS", "DISCONNECT", "EMIT", "JOIN", "LEAVE", "MDISCONNECT", "MJOIN", "MLEAVE"].sort(),
    );
    const [sockets] = named(seen, "all_sockets")[0] as [any[]];
    const mine = sockets.find((s) => s.id === user.id);
    expect(mine).toMatchObject({
      id: user.id,
      nsp: "/",
      transport: "websocket",
      clientId: user.io.engine.id.slice(0, 12),
      rooms: [user.id],
      data: { role: "player" },
      handshake: { address: "127.0.0.1", query: { team: "blue" }, url: expect.stringContaining("/socket.io/"), xdomain: false, secure: false },
    });
    expect(typeof mine.handshake.issued).toBe("number");
    // The admin's own socket is listed under /admin.
    expect(sockets.filter((s) => s.nsp === "/admin").map((s) => s.id)).toEqual([admin.id]);
  });

  it("streams socket connections, upgrades, rooms, events and disconnections", async () => {
    const admin = clients.open(app!.url + "/admin");
    const seen = recordAll(admin);
    await connected(admin);

    const user = clients.open(app!.url, { transports: ["polling", "websocket"] });
    await connected(user);
    const id = user.id!;
    await waitFor(() => user.io.engine.transport.name === "websocket", 5000, "the upgrade");
    await user.timeout(2000).emitWithAck("join", "lobby");
    await user.timeout(2000).emitWithAck("ping-me");
    await user.timeout(2000).emitWithAck("leave", "lobby");
    await waitFor(() => about(seen, "room_left").length === 1 && named(seen, "socket_updated").length >= 1, 5000, "room_left and socket_updated");
    user.disconnect();
    await waitFor(() => named(seen, "socket_disconnected").length === 1, 5000, "socket_disconnected");

    const [connectedSocket, at] = about(seen, "socket_connected")[0] as [any, string];
    expect(connectedSocket).toMatchObject({ id, nsp: "/", transport: "polling", rooms: [id] });
    expect(new Date(at).getTime()).toBeGreaterThan(0);
    // The app's connection handler runs after the admin UI's: what it puts on socket.data is an update.
    expect(named(seen, "socket_updated")).toContainEqual([{ id, nsp: "/", data: { role: "player" } }]);
    expect(named(seen, "socket_updated")).toContainEqual([{ id, nsp: "/", transport: "websocket" }]);
    // Joins: the socket's own room at connection, then "lobby".
    expect(about(seen, "room_joined").map((e) => e.slice(0, 3))).toEqual([
      ["/", id, id],
      ["/", "lobby", id],
    ]);
    // Leaves: "lobby", then every room at disconnection.
    await waitFor(() => about(seen, "room_left").length === 2, 5000, "the rooms left at disconnection");
    expect(about(seen, "room_left").map((e) => e.slice(0, 3))).toEqual([
      ["/", "lobby", id],
      ["/", id, id],
    ]);
    const received = named(seen, "event_received").map((e) => e.slice(0, 3));
    expect(received).toEqual([
      ["/", id, ["join", "lobby"]],
      ["/", id, ["ping-me"]],
      ["/", id, ["leave", "lobby"]],
    ]);
    expect(named(seen, "event_sent").map((e) => e.slice(0, 3))).toEqual([["/", id, ["pong-you", 42]]]);
    expect(named(seen, "socket_disconnected").map((e) => e.slice(0, 3))).toEqual([["/", id, "client namespace disconnect"]]);
  });

  it("runs the UI's commands: emit to a room, join, leave, disconnect one socket", async () => {
    const alice = await connected(clients.open(app!.url, { transports: ["websocket"] }));
    const bob = await connected(clients.open(app!.url, { transports: ["websocket"] }));
    const admin = await connected(clients.open(app!.url + "/admin"));
    const heard = { alice: recordAll(alice), bob: recordAll(bob) };

    // join(nsp, room, filter): the UI targets one socket by its id (its own room).
    admin.emit("join", "/", "vip", alice.id);
    await waitFor(() => app!.io.of("/").sockets.get(alice.id!)?.rooms.has("vip") === true, 5000, "alice in vip");
    admin.emit("emit", "/", "vip", "announce", "for vips", { n: 1 });
    admin.emit("emit", "/", undefined, "announce", "for all");
    await waitFor(() => heard.bob.length === 1 && heard.alice.length === 2, 5000, "the announcements");
    expect(heard.alice).toEqual([
      ["announce", "for vips", { n: 1 }],
      ["announce", "for all"],
    ]);
    expect(heard.bob).toEqual([["announce", "for all"]]);

    admin.emit("leave", "/", "vip", alice.id);
    await waitFor(() => app!.io.of("/").sockets.get(alice.id!)?.rooms.has("vip") === false, 5000, "alice out of vip");

    const reason = once<[string]>(bob, "disconnect");
    admin.emit("_disconnect", "/", false, bob.id);
    expect(await reason).toEqual(["io server disconnect"]);
    expect(alice.connected).toBe(true);
    expect([...app!.io.of("/").sockets.keys()]).toEqual([alice.id]);
  });

  it("emits server stats: engine counts, namespaces, aggregated traffic", async () => {
    await connected(clients.open(app!.url, { transports: ["polling"] }));
    await connected(clients.open(app!.url, { transports: ["websocket"] }));
    const admin = clients.open(app!.url + "/admin", { transports: ["websocket"] });
    await connected(admin);
    // The stats go out every 2 seconds.
    const [stats] = await once<[any]>(admin, "server_stats", 5000);
    expect(stats).toMatchObject({ pid: process.pid, clientsCount: 3, pollingClientsCount: 1 });
    expect(typeof stats.serverId).toBe("string");
    expect(stats.namespaces).toEqual(
      expect.arrayContaining([
        { name: "/", socketsCount: 2 },
        { name: "/admin", socketsCount: 1 },
      ]),
    );
    const types = new Set((stats.aggregatedEvents as Array<{ type: string }>).map((e) => e.type));
    for (const type of ["rawConnection", "packetsIn", "packetsOut", "bytesIn", "bytesOut"]) expect(types).toContain(type);
  });
});

describe("@socket.io/admin-ui on @switchboard/server: basic auth, production mode", () => {
  beforeEach(async () => {
    app = await startAdminApp({}, { auth: basicAuth, mode: "production" });
  });

  it("refuses wrong credentials, then hands out a session that logs in again", async () => {
    const wrong = await refused(clients.open(app!.url + "/admin", { auth: { username: ADMIN_USER, password: "nope" } }));
    expect(wrong.message).toBe("invalid credentials");

    const admin = clients.open(app!.url + "/admin", { auth: { username: ADMIN_USER, password: ADMIN_PASSWORD } });
    const seen = recordAll(admin);
    await connected(admin);
    await waitFor(() => named(seen, "session").length === 1 && named(seen, "config").length === 1, 5000, "session and config");
    const [sessionId] = named(seen, "session")[0] as [string];
    expect(sessionId).toMatch(/^[0-9a-f]{16}$/);
    // Production mode: aggregated stats only, no socket list, no per-event stream.
    const [config] = named(seen, "config")[0] as [{ supportedFeatures: string[] }];
    expect(config.supportedFeatures).toContain("AGGREGATED_EVENTS");
    expect(config.supportedFeatures).not.toContain("ALL_EVENTS");

    await connected(clients.open(app!.url + "/admin", { auth: { sessionId } }));
    await connected(clients.open(app!.url));
    // Anything about that connection would reach the admin before this marker.
    app!.io.of("/admin").emit("marker");
    await waitFor(() => named(seen, "marker").length === 1, 5000, "the marker");
    expect(named(seen, "all_sockets")).toEqual([]);
    expect(named(seen, "socket_connected")).toEqual([]);
  });
});

describe("@socket.io/admin-ui with the app's `auth` (jwtAuth)", () => {
  const appAuth = () => jwtAuth({ secret: SECRET, algorithms: ["HS256"] });

  it("publicNamespaces: ['/admin'] leaves /admin to the admin UI's own basic auth; the app stays guarded", async () => {
    app = await startAdminApp({ auth: appAuth(), publicNamespaces: ["/admin"] }, { auth: basicAuth, mode: "development" });
    const admin = clients.open(app.url + "/admin", { auth: { username: ADMIN_USER, password: ADMIN_PASSWORD } });
    const seen = recordAll(admin);
    await connected(admin);
    // The admin UI's credentials are still checked on the public namespace.
    expect((await refused(clients.open(app.url + "/admin", { auth: { username: ADMIN_USER, password: "nope" } }))).message).toBe("invalid credentials");

    expect((await refused(clients.open(app.url))).data?.code).toBe("missing_token");
    const user = await connected(clients.open(app.url, { auth: { token: await signToken("alice") } }));
    await waitFor(() => about(seen, "socket_connected").length === 1, 5000, "socket_connected");
    // jwtAuth ran first: the admin UI sees the claims it put on socket.data.user.
    const [socket] = about(seen, "socket_connected")[0] as [any];
    expect(socket).toMatchObject({ id: user.id, nsp: "/", data: { user: { sub: "alice" } } });
  });

  it("without publicNamespaces, /admin is guarded too: the admin UI's credentials alone are refused", async () => {
    app = await startAdminApp({ auth: appAuth() }, { auth: basicAuth, mode: "development" });
    const err = await refused(clients.open(app.url + "/admin", { auth: { username: ADMIN_USER, password: ADMIN_PASSWORD } }));
    expect(err.data?.code).toBe("missing_token");
    // Both layers pass with a token and the credentials.
    const admin = clients.open(app.url + "/admin", { auth: { token: await signToken("root"), username: ADMIN_USER, password: ADMIN_PASSWORD } });
    const seen = recordAll(admin);
    await connected(admin);
    await waitFor(() => named(seen, "session").length === 1, 5000, "the admin session");
  });
});
