// The example of docs/testing.md, as it is written there: keep both in step.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT } from "jose";
import { Server, jwtAuth } from "@switchboard/server";
import { io, type Socket } from "@switchboard/client";

interface ClientToServerEvents {
  join: (room: string, ack: (members: number) => void) => void;
  say: (room: string, text: string) => void;
}
interface ServerToClientEvents {
  said: (from: string, text: string) => void;
}
type TestClient = Socket<ServerToClientEvents, ClientToServerEvents>;

const SECRET = "test-secret-test-secret-test-sec";

/** The application's realtime part, as the app sets it up (here, inline). */
function setUp(server: Server<ClientToServerEvents, ServerToClientEvents>): void {
  server.on("connection", (socket) => {
    const name = String(socket.data.user.sub);
    socket.on("join", async (room, ack) => {
      await socket.join(room);
      ack((await server.in(room).fetchSockets()).length);
    });
    socket.on("say", (room, text) => socket.to(room).emit("said", name, text));
  });
}

/** A server on an ephemeral port, clients that log in, and one call that closes everything. */
async function startTestServer() {
  const httpServer = createServer();
  const server = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
    auth: jwtAuth({ secret: SECRET, algorithms: ["HS256"] }),
  });
  setUp(server);
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const clients: TestClient[] = [];

  return {
    server,
    url,
    /** A connected client logged in as `user` (rejects with the connect_error if refused). */
    async client(user: string): Promise<TestClient> {
      const token = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(user).setExpirationTime("5m").sign(new TextEncoder().encode(SECRET));
      const socket: TestClient = io(url, { auth: { token }, transports: ["websocket"], forceNew: true, reconnection: false });
      clients.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("connect_error", reject);
      });
      return socket;
    },
    async close(): Promise<void> {
      for (const socket of clients) socket.disconnect();
      await server.close(); // closes httpServer too
    },
  };
}

/** The next `event` on a socket, or an error after `ms`. */
function nextEvent<T extends unknown[]>(socket: TestClient, event: keyof ServerToClientEvents, ms = 2000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${ms} ms`)), ms);
    socket.once(event, ((...args: T) => {
      clearTimeout(timer);
      resolve(args);
    }) as never);
  });
}

describe("the chat room", () => {
  let app: Awaited<ReturnType<typeof startTestServer>>;
  beforeEach(async () => {
    app = await startTestServer();
  });
  afterEach(async () => {
    await app.close();
  });

  it("passes messages to the others in the room", async () => {
    const alice = await app.client("alice");
    const bob = await app.client("bob");
    expect(await alice.timeout(2000).emitWithAck("join", "tea")).toBe(1);
    expect(await bob.timeout(2000).emitWithAck("join", "tea")).toBe(2);

    const heard = nextEvent<[string, string]>(bob, "said");
    alice.emit("say", "tea", "milk first?");
    expect(await heard).toEqual(["alice", "milk first?"]);
  });

  it("refuses a client without a token", async () => {
    const socket: TestClient = io(app.url, { forceNew: true, reconnection: false });
    const err = await new Promise<{ data?: unknown }>((resolve) => socket.once("connect_error", resolve));
    expect(err.data).toEqual({ code: "missing_token" });
    socket.disconnect();
  });
});
