import { afterEach, describe, expect, it } from "@jest/globals";
import type { Socket as ClientSocket } from "socket.io-client";
import { AuthError, jwtAuth, type ServerOptions, type Socket } from "@switchboard/server";
import { once, waitFor } from "../../support/index.js";
import { connected, startServer, type Fixture } from "../../interop/server-fixture.js";
import { refused, SECRET, signToken } from "./harness.js";

/**
 * Connection state recovery never bypasses `auth`: a recovered session is authenticated again with
 * what the client presents now, and a refused one is kept for a later attempt.
 */
describe.each(["polling", "websocket"] as const)("auth and connection state recovery over %s", (mode) => {
  let f: Fixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  const start = async (options: Partial<ServerOptions>): Promise<{ f: Fixture; sockets: Socket[] }> => {
    f = await startServer({ connectionStateRecovery: {}, ...options }, mode);
    const sockets: Socket[] = [];
    f.io.on("connection", (socket) => {
      sockets.push(socket);
      socket.on("whoami", (ack: (user: unknown) => void) => ack(socket.data.user));
    });
    return { f, sockets };
  };

  /** Connects a reconnecting official client with `auth`, ready to be recovered. */
  const connectThenDrop = async (fx: Fixture, auth: Record<string, unknown>, sockets: Socket[]): Promise<ClientSocket> => {
    const client = fx.client("/", { auth, reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 50 });
    await connected(client);
    await waitFor(() => sockets.length === 1);
    // A client is recovered from the offset of the last event it received: give it one.
    const hello = once(client, "hello");
    sockets[0].emit("hello");
    await hello;
    return client;
  };

  it("refuses a session whose token expired while the client was away, then recovers it with a fresh token", async () => {
    const { f: fx, sockets } = await start({ auth: jwtAuth({ secret: SECRET }) });
    const client = await connectThenDrop(fx, { token: await signToken("alice") }, sockets);
    const first = sockets[0];
    await first.join("news");
    first.on("disconnect", () => fx.io.to("news").emit("headline", "while away"));

    // The client comes back with the token it holds now, which has expired meanwhile.
    client.auth = { token: await signToken("alice", -60) };
    const refusal = refused(client);
    client.io.engine.close();
    const err = await refusal;
    expect(err.data?.code).toBe("token_expired");
    expect(sockets).toHaveLength(1);

    // Refused is not lost: with a fresh token the same session comes back, with what it missed.
    const headlines: string[] = [];
    client.on("headline", (h: string) => headlines.push(h));
    // The client still holds its private session id and last offset, and sends them with the new auth.
    client.auth = { token: await signToken("alice") };
    client.connect();
    await once(client, "connect");
    expect(client.recovered).toBe(true);
    expect(client.id).toBe(first.id);
    expect(headlines).toEqual(["while away"]);
    await waitFor(() => sockets.length === 2);
    expect(sockets[1].recovered).toBe(true);
    expect(await client.timeout(5000).emitWithAck("whoami")).toMatchObject({ sub: "alice" });
  });

  it("arms the expiry timer of the recovered socket with the token presented on recovery", async () => {
    const { f: fx, sockets } = await start({ auth: jwtAuth({ secret: SECRET }) });
    const client = await connectThenDrop(fx, { token: await signToken("bob", 3600) }, sockets);
    // The token presented on recovery expires in 2 s: the recovered socket must go then.
    client.auth = { token: await signToken("bob", 2) };
    const recovered = once(client, "connect");
    client.io.engine.close();
    await recovered;
    expect(client.recovered).toBe(true);
    await waitFor(() => sockets.length === 2);
    const second = sockets[1];
    expect(second.data.user).toMatchObject({ sub: "bob" });
    const [reason] = await once<[string]>(second, "disconnect", 6000);
    expect(reason).toBe("server namespace disconnect");
  });

  it("puts the fresh claims on socket.data.user of a recovered socket", async () => {
    const { f: fx, sockets } = await start({ auth: jwtAuth({ secret: SECRET }) });
    const client = await connectThenDrop(fx, { token: await signToken("carol", 3600) }, sockets);
    sockets[0].data.note = "kept";
    const firstExp = (sockets[0].data.user as { exp: number }).exp;
    const fresh = await signToken("carol", 7200);
    client.auth = { token: fresh };
    const recovered = once(client, "connect");
    client.io.engine.close();
    await recovered;
    expect(client.recovered).toBe(true);
    await waitFor(() => sockets.length === 2);
    expect((sockets[1].data.user as { exp: number }).exp).toBeGreaterThan(firstExp);
    expect(sockets[1].data.note).toBe("kept");
  });

  it("refuses a recovered session presented with another subject's token", async () => {
    const { f: fx, sockets } = await start({ auth: jwtAuth({ secret: SECRET }) });
    const client = await connectThenDrop(fx, { token: await signToken("dave") }, sockets);
    client.auth = { token: await signToken("mallory") };
    const refusal = refused(client);
    client.io.engine.close();
    expect((await refusal).data?.code).toBe("unauthorized");
    expect(sockets).toHaveLength(1);
  });

  it.each([
    [
      "a check",
      (socket: { handshake: { auth: Record<string, unknown> } }) => {
        if (socket.handshake.auth.apiKey !== "current") throw new AuthError("unauthorized", "revoked key");
        return { key: "current" };
      },
    ],
    [
      "a middleware",
      (socket: { handshake: { auth: Record<string, unknown> }; data: Record<string, unknown> }, next: (err?: Error) => void) => {
        if (socket.handshake.auth.apiKey !== "current") return next(new AuthError("unauthorized", "revoked key"));
        socket.data.user = { key: "current" };
        next();
      },
    ],
  ])("runs %s again on recovery, even with skipMiddlewares", async (_kind, auth) => {
    const { f: fx, sockets } = await start({ auth: auth, connectionStateRecovery: { skipMiddlewares: true } });
    let middlewareRuns = 0;
    fx.io.use((_socket, next) => {
      middlewareRuns++;
      next();
    });
    const client = await connectThenDrop(fx, { apiKey: "current" }, sockets);
    expect(middlewareRuns).toBe(1);

    client.auth = { apiKey: "revoked" };
    const refusal = refused(client);
    client.io.engine.close();
    const err = await refusal;
    expect(err.message).toBe("revoked key");
    expect(err.data?.code).toBe("unauthorized");

    client.auth = { apiKey: "current" };
    client.connect();
    await once(client, "connect");
    expect(client.recovered).toBe(true);
    // The namespace's own middlewares are still skipped on recovery; only the auth ran again.
    expect(middlewareRuns).toBe(1);
    expect(await client.timeout(5000).emitWithAck("whoami")).toEqual({ key: "current" });
  });
});
