import { afterEach, describe, expect, it } from "@jest/globals";
import { AUTH_REFRESH_EVENT, type AuthRefreshReply } from "@switchboard/protocol";
import { AuthError, jwtAuth, type ServerOptions, type Socket } from "@switchboard/server";
import type { Socket as ClientSocket } from "socket.io-client";
import { io as ourIo, type Socket as OurSocket } from "@switchboard/client";
import { once, waitFor } from "../../support/index.js";
import { startServer, type Fixture } from "../../interop/server-fixture.js";
import { connected, SECRET, signToken } from "./harness.js";

/** A live connection takes a fresh token through AUTH_REFRESH_EVENT, from an official client. */
describe.each(["polling", "websocket"] as const)("token refresh on a live connection over %s", (mode) => {
  let f: Fixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  const start = async (options: Partial<ServerOptions>) => {
    f = await startServer(options, mode);
    const sockets: Socket[] = [];
    const heard: unknown[][] = [];
    f.io.on("connection", (socket) => {
      sockets.push(socket);
      socket.onAny((...args: unknown[]) => heard.push(args));
      socket.on("whoami", (ack: (user: unknown) => void) => ack(socket.data.user));
    });
    return { fx: f, sockets, heard };
  };

  const refresh = (client: ClientSocket, auth: unknown): Promise<AuthRefreshReply> =>
    client.timeout(5000).emitWithAck(AUTH_REFRESH_EVENT, auth) as Promise<AuthRefreshReply>;

  it("accepts a fresh token: new claims, new handshake auth, never seen by the application", async () => {
    const { fx, sockets, heard } = await start({ auth: jwtAuth({ secret: SECRET }) });
    const client = await connected(fx.client("/", { auth: { token: await signToken("alice", 60) } }));
    const before = (await client.timeout(5000).emitWithAck("whoami")) as { exp: number };
    const fresh = await signToken("alice", 3600);
    expect(await refresh(client, { token: fresh })).toEqual({ ok: true });
    const after = (await client.timeout(5000).emitWithAck("whoami")) as { exp: number; sub: string };
    expect(after.sub).toBe("alice");
    expect(after.exp).toBeGreaterThan(before.exp);
    expect(sockets[0].handshake.auth).toEqual({ token: fresh });
    expect(heard.map((args) => args[0])).toEqual(["whoami", "whoami"]);
  });

  it.each([
    ["an invalid token", async () => ({ token: await signToken("alice", 3600, "another-secret-of-at-least-32-bytes") }), "invalid_token"],
    ["an expired token", async () => ({ token: await signToken("alice", -60) }), "token_expired"],
    ["another subject's token", async () => ({ token: await signToken("mallory", 3600) }), "unauthorized"],
    ["no token", async () => ({}), "missing_token"],
    ["not an object", async () => "a-bare-string", "invalid_auth"],
  ])("refuses %s and changes nothing", async (_what, makeAuth, code) => {
    const { fx, sockets } = await start({ auth: jwtAuth({ secret: SECRET }) });
    const token = await signToken("alice", 3600);
    const client = await connected(fx.client("/", { auth: { token } }));
    const before = await client.timeout(5000).emitWithAck("whoami");
    const reply = await refresh(client, await makeAuth());
    expect(reply).toMatchObject({ ok: false, data: { code } });
    expect(client.connected).toBe(true);
    expect(await client.timeout(5000).emitWithAck("whoami")).toEqual(before);
    expect(sockets[0].handshake.auth).toEqual({ token });
    // A refused refresh does not spoil the next one.
    expect(await refresh(client, { token: await signToken("alice", 7200) })).toEqual({ ok: true });
  });

  it("moves the expiry timer to the new token's expiry", async () => {
    const { fx, sockets } = await start({ auth: jwtAuth({ secret: SECRET }) });
    const client = await connected(fx.client("/", { auth: { token: await signToken("bob", 3600) } }));
    expect(await refresh(client, { token: await signToken("bob", 2) })).toEqual({ ok: true });
    const [reason] = await once<[string]>(client, "disconnect", 6000);
    expect(reason).toBe("io server disconnect");
    expect(sockets[0].connected).toBe(false);
  });

  it("runs a custom check again and puts its new result on socket.data.user", async () => {
    const check = (socket: { handshake: { auth: Record<string, unknown> } }) => {
      const key = socket.handshake.auth.apiKey;
      if (key !== "v1" && key !== "v2") throw new AuthError("unauthorized", "bad api key");
      return { key };
    };
    const { fx } = await start({ auth: check });
    const client = await connected(fx.client("/", { auth: { apiKey: "v1" } }));
    expect(await refresh(client, { apiKey: "v2" })).toEqual({ ok: true });
    expect(await client.timeout(5000).emitWithAck("whoami")).toEqual({ key: "v2" });
    expect(await refresh(client, { apiKey: "stolen" })).toEqual({ ok: false, message: "bad api key", data: { code: "unauthorized" } });
    expect(await client.timeout(5000).emitWithAck("whoami")).toEqual({ key: "v2" });
  });

  it("answers auth_not_configured on a public namespace", async () => {
    const { fx } = await start({ auth: jwtAuth({ secret: SECRET }), publicNamespaces: ["/status"] });
    fx.io.of("/status");
    const client = await connected(fx.client("/status"));
    expect(await refresh(client, { token: "x" })).toMatchObject({ ok: false, data: { code: "auth_not_configured" } });
  });

  it("answers one refresh at a time", async () => {
    let release: (() => void) | undefined;
    const slow = (socket: { handshake: { auth: Record<string, unknown> }; data: Record<string, unknown> }, next: (err?: Error) => void) => {
      if (socket.handshake.auth.wait) release = () => next();
      else next();
    };
    const { fx } = await start({ auth: slow });
    const client = await connected(fx.client("/"));
    const first = refresh(client, { wait: true });
    await waitFor(() => release !== undefined);
    expect(await refresh(client, { token: "second" })).toMatchObject({ ok: false, data: { code: "refresh_in_progress" } });
    release!();
    expect(await first).toEqual({ ok: true });
  });
});

/** The same, from `@switchboard/client`'s `socket.refreshAuth()`. */
describe("socket.refreshAuth() of @switchboard/client", () => {
  let f: Fixture | undefined;
  const opened: OurSocket[] = [];
  afterEach(async () => {
    for (const socket of opened.splice(0)) socket.disconnect();
    await f?.close();
    f = undefined;
  });

  const open = (url: string, auth: Record<string, unknown>): OurSocket => {
    const socket = ourIo(url, { forceNew: true, auth, reconnectionDelay: 20, reconnectionDelayMax: 20 });
    opened.push(socket);
    return socket;
  };

  it("resolves when the server accepts, and keeps the new auth for the next connection", async () => {
    f = await startServer({ auth: jwtAuth({ secret: SECRET }) });
    const sockets: Socket[] = [];
    f.io.on("connection", (socket) => {
      sockets.push(socket);
      socket.on("whoami", (ack: (user: unknown) => void) => ack(socket.data.user));
    });
    const client = open(f.url, { token: await signToken("alice", 60) });
    await once(client, "connect");
    const fresh = await signToken("alice", 3600);
    await client.refreshAuth({ token: fresh });
    expect(((await client.timeout(5000).emitWithAck("whoami")) as { exp: number }).exp).toBeGreaterThan(Date.now() / 1000 + 3000);
    expect(client.auth).toEqual({ token: fresh });
    // A new connection presents the refreshed token.
    const again = once(client, "connect");
    client.io.engine.close();
    await again;
    await waitFor(() => sockets.length === 2);
    expect(sockets[1].handshake.auth).toMatchObject({ token: fresh });
  });

  it("rejects with the server's code when it refuses, and changes nothing", async () => {
    f = await startServer({ auth: jwtAuth({ secret: SECRET }) });
    const token = await signToken("bob", 3600);
    const client = open(f.url, { token });
    await once(client, "connect");
    await expect(client.refreshAuth({ token: await signToken("bob", -60) })).rejects.toMatchObject({ data: { code: "token_expired" } });
    expect(client.auth).toEqual({ token });
    expect(client.connected).toBe(true);
  });

  it("keeps the new auth for the next connection when not connected", async () => {
    f = await startServer({ auth: jwtAuth({ secret: SECRET }) });
    const client = open(f.url, { token: "stale" });
    // Listened to before anything is awaited: the refusal may come while the token is signed.
    const refused = once(client, "connect_error");
    const fresh = await signToken("carol", 3600);
    await refused;
    await client.refreshAuth({ token: fresh });
    expect(client.auth).toEqual({ token: fresh });
    client.connect();
    await once(client, "connect");
  });
});
