import { afterEach, describe, expect, it } from "@jest/globals";
import { AuthError, jwtAuth } from "@switchboard/server";
import { connected, refused, SECRET, signToken, type RealtimeApp, type StartApp } from "./harness.js";
import { Clients, once } from "../../support/index.js";

/** The shared `auth` option (jwtAuth and custom checks) through one framework integration. */
export function runAuthSuite(start: StartApp): void {
  let app: RealtimeApp | undefined;
  const clients = new Clients();

  afterEach(async () => {
    await clients.closeAll();
    await app?.close();
    app = undefined;
  });

  const startWith = async (options: Parameters<StartApp>[0]): Promise<RealtimeApp> => {
    app = await start(options);
    app.io.on("connection", (socket) => {
      socket.on("whoami", (ack: (user: unknown) => void) => ack(socket.data.user));
    });
    return app;
  };

  describe("jwtAuth", () => {
    const jwt = () => jwtAuth({ secret: SECRET, algorithms: ["HS256"] });

    it("accepts a valid token over WebSocket-only and puts its claims on socket.data.user", async () => {
      const { url } = await startWith({ auth: jwt() });
      const socket = await connected(clients.open(url, { transports: ["websocket"], auth: { token: await signToken("alice") } }));
      expect(await socket.emitWithAck("whoami")).toMatchObject({ sub: "alice", name: "alice" });
    });

    it("accepts a valid token over long-polling", async () => {
      const { url } = await startWith({ auth: jwt() });
      const socket = await connected(clients.open(url, { transports: ["polling"], auth: { token: await signToken("bob") } }));
      expect(await socket.emitWithAck("whoami")).toMatchObject({ sub: "bob" });
    });

    it("refuses a missing token with missing_token", async () => {
      const { url, io } = await startWith({ auth: jwt() });
      const err = await refused(clients.open(url, { transports: ["websocket"] }));
      expect(err.data?.code).toBe("missing_token");
      expect(io.of("/").sockets.size).toBe(0);
    });

    it("refuses a token signed with another key with invalid_token", async () => {
      const { url } = await startWith({ auth: jwt() });
      const token = await signToken("mallory", 3600, "another-secret-of-at-least-32-bytes");
      const err = await refused(clients.open(url, { transports: ["polling"], auth: { token } }));
      expect(err.data?.code).toBe("invalid_token");
    });

    it("refuses an expired token with token_expired", async () => {
      const { url } = await startWith({ auth: jwt() });
      const err = await refused(clients.open(url, { transports: ["websocket"], auth: { token: await signToken("carol", -60) } }));
      expect(err.data?.code).toBe("token_expired");
      expect(err.message).toMatch(/expired/);
    });

    it("disconnects the socket when its token expires", async () => {
      const { url, io } = await startWith({ auth: jwt() });
      const socket = await connected(clients.open(url, { transports: ["websocket"], auth: { token: await signToken("dave", 2) } }));
      expect(io.of("/").sockets.size).toBe(1);
      const [reason] = await once<[string]>(socket, "disconnect", 5000);
      expect(reason).toBe("io server disconnect");
    });
  });

  describe("custom check", () => {
    const check = async (socket: { handshake: { auth: Record<string, unknown> } }) => {
      if (socket.handshake.auth.apiKey !== "open-sesame") throw new AuthError("unauthorized", "bad api key");
      return { kind: "service", key: "open-sesame" };
    };

    it("accepts and puts the check's result on socket.data.user", async () => {
      const { url } = await startWith({ auth: check });
      const socket = await connected(clients.open(url, { transports: ["websocket"], auth: { apiKey: "open-sesame" } }));
      expect(await socket.emitWithAck("whoami")).toEqual({ kind: "service", key: "open-sesame" });
    });

    it("refuses with the check's error", async () => {
      const { url } = await startWith({ auth: check });
      const err = await refused(clients.open(url, { transports: ["polling"], auth: { apiKey: "nope" } }));
      expect(err.message).toBe("bad api key");
      expect(err.data?.code).toBe("unauthorized");
    });
  });
}
