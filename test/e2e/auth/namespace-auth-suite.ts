import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import { AuthError, jwtAuth, type Namespace } from "@switchboard/server";
import { connected, refused, SECRET, signToken, type RealtimeApp, type StartApp } from "./harness.js";
import { Clients } from "../../support/index.js";

type Credential = "none" | "invalid" | "expired" | "valid";

const CREDENTIALS: Credential[] = ["none", "invalid", "expired", "valid"];
const TRANSPORTS = ["polling", "websocket"] as const;
const EXPECTED_CODE: Record<Exclude<Credential, "valid">, string> = {
  none: "missing_token",
  invalid: "invalid_token",
  expired: "token_expired",
};

async function tokenFor(credential: Credential): Promise<Record<string, unknown>> {
  if (credential === "none") return {};
  if (credential === "invalid") return { token: await signToken("mallory", 3600, "another-secret-of-at-least-32-bytes") };
  if (credential === "expired") return { token: await signToken("erin", -60) };
  return { token: await signToken("alice") };
}

/** Every namespace answers `whoami` with its name and the claims the auth put on the socket. */
function answerWhoami(nsp: Namespace): void {
  nsp.on("connection", (socket) => {
    socket.on("whoami", (ack: (answer: unknown) => void) => ack({ nsp: socket.nsp.name, user: socket.data.user }));
  });
}

/**
 * The shared `auth` option guards every namespace the server has or will have: the main one, a
 * static one created after the app started, and a dynamic child; `publicNamespaces` opens some.
 */
export function runNamespaceAuthSuite(start: StartApp): void {
  const clients = new Clients();
  afterEach(() => clients.closeAll());
  afterAll(() => clients.closeAll());

  describe("jwtAuth on every namespace", () => {
    let app: RealtimeApp;
    let connections = 0;

    beforeAll(async () => {
      app = await start({ auth: jwtAuth({ secret: SECRET, algorithms: ["HS256"] }) });
      answerWhoami(app.io.of("/"));
      answerWhoami(app.io.of(/^\/dyn-\w+$/));
      // Created once the app serves: the guard applies to namespaces that come later too.
      answerWhoami(app.io.of("/late"));
      app.io.of("/").on("connection", () => connections++);
      app.io.of("/late").on("connection", () => connections++);
      app.io.of(/^\/dyn-\w+$/).on("connection", () => connections++);
    });
    afterAll(() => app.close());

    describe.each(TRANSPORTS)("over %s", (transport) => {
      describe.each(["/", "/late", "/dyn-abc"])("namespace %s", (nsp) => {
        it.each(CREDENTIALS)("with %s token", async (credential) => {
          const auth = await tokenFor(credential);
          const socket = clients.open(app.url + nsp, { transports: [transport], auth });
          if (credential === "valid") {
            await connected(socket);
            expect(await socket.timeout(5000).emitWithAck("whoami")).toMatchObject({ nsp, user: { sub: "alice" } });
            return;
          }
          const before = connections;
          const err = await refused(socket);
          expect(err.data?.code).toBe(EXPECTED_CODE[credential]);
          expect(connections).toBe(before);
          expect(app.io._nsps.get(nsp)?.sockets.size ?? 0).toBe(0);
        });
      });
    });
  });

  describe("publicNamespaces", () => {
    let app: RealtimeApp | undefined;
    afterEach(async () => {
      await clients.closeAll();
      await app?.close();
      app = undefined;
    });

    it("leaves the listed namespaces open (exact names and patterns, dynamic children included) and guards the rest", async () => {
      app = await start({ auth: jwtAuth({ secret: SECRET }), publicNamespaces: ["/status", /^\/open-\w+$/] });
      answerWhoami(app.io.of("/status"));
      answerWhoami(app.io.of(/^\/open-\w+$/));
      answerWhoami(app.io.of("/private"));
      for (const nsp of ["/status", "/open-lobby"]) {
        for (const transport of TRANSPORTS) {
          const socket = await connected(clients.open(app.url + nsp, { transports: [transport] }));
          expect(await socket.timeout(5000).emitWithAck("whoami")).toEqual({ nsp });
        }
      }
      for (const nsp of ["/", "/private", "/status-not-exact"]) {
        const err = await refused(clients.open(app.url + nsp, { transports: ["websocket"] }));
        // An unknown namespace is refused as such; a known one by the auth.
        expect(err.data?.code ?? err.message).toBe(nsp === "/status-not-exact" ? "Invalid namespace" : "missing_token");
      }
    });

    it("guards every namespace with a custom check too", async () => {
      const check = (socket: { handshake: { auth: Record<string, unknown> } }) => {
        if (socket.handshake.auth.apiKey !== "open-sesame") throw new AuthError("unauthorized", "bad api key");
        return { kind: "service" };
      };
      app = await start({ auth: check });
      answerWhoami(app.io.of(/^\/dyn-\w+$/));
      answerWhoami(app.io.of("/late"));
      for (const nsp of ["/late", "/dyn-x"]) {
        const err = await refused(clients.open(app.url + nsp, { transports: ["polling"], auth: { apiKey: "nope" } }));
        expect(err.data?.code).toBe("unauthorized");
        const socket = await connected(clients.open(app.url + nsp, { transports: ["polling"], auth: { apiKey: "open-sesame" } }));
        expect(await socket.timeout(5000).emitWithAck("whoami")).toEqual({ nsp, user: { kind: "service" } });
      }
    });
  });
}
