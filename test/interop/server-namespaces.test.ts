import type { Namespace, Socket } from "@switchboard/server";
import { once, waitFor } from "../support/index.js";
import { connected, startServer, TRANSPORT_MODES, type Fixture } from "./server-fixture.js";

function connectError(client: { once(ev: string, fn: (err: Error & { data?: unknown }) => void): unknown }) {
  return new Promise<Error & { data?: unknown }>((resolve) => client.once("connect_error", resolve));
}

describe.each(TRANSPORT_MODES)("namespaces and middlewares over %s", (mode) => {
  let f: Fixture;
  beforeEach(async () => {
    f = await startServer({}, mode);
  });
  afterEach(() => f.close());

  it("multiplexes static namespaces over one connection and announces new ones", async () => {
    const created: string[] = [];
    f.io.on("new_namespace", (nsp: Namespace) => created.push(nsp.name));
    const admin = f.io.of("/admin");
    expect(f.io.of("admin")).toBe(admin);
    expect(created).toEqual(["/admin"]);
    const adminSocket = once<[Socket]>(admin, "connection");
    const mainSocket = once<[Socket]>(f.io, "connect");
    const main = f.client("/");
    const other = main.io.socket("/admin");
    other.connect();
    await Promise.all([connected(main), connected(other)]);
    const [[s1], [s2]] = await Promise.all([mainSocket, adminSocket]);
    expect(s1.nsp).toBe(f.io.sockets);
    expect(s2.nsp.name).toBe("/admin");
    expect(s1.conn).toBe(s2.conn);
    expect(s1.client).toBe(s2.client);
    expect(s1.id).not.toBe(s2.id);

    const toAdmin = once<unknown[]>(other, "who");
    const mainGot: unknown[] = [];
    main.on("who", (value: unknown) => mainGot.push(value));
    admin.emit("who", "admin only");
    expect(await toAdmin).toEqual(["admin only"]);
    // Both namespaces share one connection, which delivers in order: once "/" hears its own
    // emit, sent after the admin one, the admin emit would have reached "/" had it leaked.
    const toMain = once<unknown[]>(main, "who");
    f.io.emit("who", "main only");
    expect(await toMain).toEqual(["main only"]);
    expect(mainGot).toEqual(["main only"]);

    // Leaving one namespace keeps the others.
    const left = once<[string]>(s2, "disconnect");
    other.disconnect();
    expect((await left)[0]).toBe("client namespace disconnect");
    expect(admin.sockets.size).toBe(0);
    expect(main.connected).toBe(true);
    const echo = once<unknown[]>(s1, "still");
    main.emit("still", "here");
    expect(await echo).toEqual(["here"]);
  });

  it("refuses an unknown namespace with 'Invalid namespace'", async () => {
    const client = f.client("/nope");
    const err = await connectError(client);
    expect(err.message).toBe("Invalid namespace");
  });

  it("runs namespace middlewares in order; errors reach connect_error with data", async () => {
    const order: string[] = [];
    f.io.use((socket, next) => {
      order.push("first");
      socket.data.user = socket.handshake.auth.user;
      next();
    });
    f.io.use((socket, next) => {
      order.push("second");
      if (socket.handshake.auth.user === "mallory") {
        const err = new Error("not authorized") as Error & { data?: unknown };
        err.data = { content: "please retry later", code: 42 };
        return next(err);
      }
      next();
    });
    const bad = f.client("/", { auth: { user: "mallory" } });
    const err = await connectError(bad);
    expect(err.message).toBe("not authorized");
    expect(err.data).toEqual({ content: "please retry later", code: 42 });
    expect(order).toEqual(["first", "second"]);
    expect(f.io.sockets.sockets.size).toBe(0);

    const conn = once<[Socket]>(f.io, "connection");
    const good = f.client("/", { auth: { user: "alice" } });
    await connected(good);
    const [socket] = await conn;
    expect(socket.data).toEqual({ user: "alice" });

    f.io.of("/throws").use(() => {
      throw new Error("thrown in middleware");
    });
    const thrown = await connectError(f.client("/throws"));
    expect(thrown.message).toBe("thrown in middleware");
  });

  it("creates dynamic namespaces from a RegExp; parent middleware, listeners and broadcasts reach children", async () => {
    const parent = f.io.of(/^\/team-\d+$/);
    const seen: string[] = [];
    parent.use((socket, next) => {
      seen.push(socket.nsp.name);
      if (socket.nsp.name === "/team-13") return next(new Error("unlucky"));
      next();
    });
    const connections: string[] = [];
    parent.on("connection", (socket: Socket) => connections.push(socket.nsp.name));
    const created: string[] = [];
    f.io.on("new_namespace", (nsp: Namespace) => created.push(nsp.name));

    const c1 = f.client("/team-1");
    const c2 = f.client("/team-2");
    await Promise.all([connected(c1), connected(c2)]);
    expect(connections.sort()).toEqual(["/team-1", "/team-2"]);
    expect(created.sort()).toEqual(["/team-1", "/team-2"]);
    expect(f.io._nsps.has("/team-1")).toBe(true);

    const e1 = once<unknown[]>(c1, "all");
    const e2 = once<unknown[]>(c2, "all");
    parent.emit("all", "teams");
    expect(await e1).toEqual(["teams"]);
    expect(await e2).toEqual(["teams"]);
    expect((await parent.fetchSockets()).length).toBe(2);

    const unlucky = await connectError(f.client("/team-13"));
    expect(unlucky.message).toBe("unlucky");
    expect(seen.sort()).toEqual(["/team-1", "/team-13", "/team-2"]);
    const invalid = await connectError(f.client("/team-x"));
    expect(invalid.message).toBe("Invalid namespace");

    // io.of(name) of a matching name returns the child
    expect(f.io.of("/team-1").name).toBe("/team-1");
  });

  it("creates dynamic namespaces from a function that sees the auth", async () => {
    const parent = f.io.of((name, auth, next) => next(null, name.startsWith("/dyn-") && auth.key === "k"));
    const conn = once<[Socket]>(parent, "connection");
    const ok = f.client("/dyn-a", { auth: { key: "k" } });
    await connected(ok);
    const [socket] = await conn;
    expect(socket.nsp.name).toBe("/dyn-a");
    const refused = await connectError(f.client("/dyn-b", { auth: { key: "wrong" } }));
    expect(refused.message).toBe("Invalid namespace");
  });

  it("removes empty child namespaces with cleanupEmptyChildNamespaces", async () => {
    await f.close();
    f = await startServer({ cleanupEmptyChildNamespaces: true }, mode);
    f.io.of(/^\/room-\w+$/);
    const client = f.client("/room-a");
    await connected(client);
    expect(f.io._nsps.has("/room-a")).toBe(true);
    client.disconnect();
    await waitFor(() => !f.io._nsps.has("/room-a"));
    expect(f.io._nsps.has("/room-a")).toBe(false);
  });
});
