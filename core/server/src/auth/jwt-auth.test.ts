import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { SignJWT } from "jose";
import { jwtAuth } from "./jwt-auth.js";
import type { AuthSocket } from "./auth-socket.js";

const SECRET = "unit-secret-of-at-least-32-bytes!!";

/** The part of a server socket jwtAuth reads: handshake, data, disconnect and its event. */
class HandshakeSocket extends EventEmitter implements AuthSocket {
  readonly id = "s1";
  readonly handshake = { auth: {} as Record<string, unknown>, headers: {}, query: {} };
  data: Record<string, unknown> = {};
  disconnected = false;
  disconnect(): this {
    this.disconnected = true;
    this.emit("disconnect");
    return this;
  }
}

async function token(sub: string, expiresInSeconds: number | undefined): Promise<string> {
  const jwt = new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(sub);
  if (expiresInSeconds !== undefined) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds);
  return jwt.sign(new TextEncoder().encode(SECRET));
}

function run(middleware: ReturnType<typeof jwtAuth>, socket: HandshakeSocket, auth: Record<string, unknown>): Promise<Error | undefined> {
  socket.handshake.auth = auth;
  return new Promise((resolve) => middleware(socket, resolve));
}

describe("jwtAuth expiry timer", () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it("moves to the new token's expiry when the middleware runs again on the same socket (a refresh)", async () => {
    const middleware = jwtAuth({ secret: SECRET });
    const socket = new HandshakeSocket();
    expect(await run(middleware, socket, { token: await token("alice", 10) })).toBeUndefined();
    expect(await run(middleware, socket, { token: await token("alice", 100) })).toBeUndefined();
    jest.advanceTimersByTime(11_000);
    expect(socket.disconnected).toBe(false);
    jest.advanceTimersByTime(90_000);
    expect(socket.disconnected).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("moves earlier too, and a token without exp stops the timer", async () => {
    const middleware = jwtAuth({ secret: SECRET });
    const early = new HandshakeSocket();
    await run(middleware, early, { token: await token("bob", 100) });
    await run(middleware, early, { token: await token("bob", 5) });
    jest.advanceTimersByTime(6_000);
    expect(early.disconnected).toBe(true);

    const open = new HandshakeSocket();
    await run(middleware, open, { token: await token("carol", 5) });
    await run(middleware, open, { token: await token("carol", undefined) });
    jest.advanceTimersByTime(60_000);
    expect(open.disconnected).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("keeps the old timer when a refresh is refused, and refuses another subject", async () => {
    const middleware = jwtAuth({ secret: SECRET });
    const socket = new HandshakeSocket();
    await run(middleware, socket, { token: await token("dave", 10) });
    const other = await run(middleware, socket, { token: await token("mallory", 100) });
    expect((other as { data?: { code?: string } }).data?.code).toBe("unauthorized");
    expect((socket.data.user as { sub: string }).sub).toBe("dave");
    const invalid = await run(middleware, socket, { token: "not-a-jwt" });
    expect((invalid as { data?: { code?: string } }).data?.code).toBe("invalid_token");
    jest.advanceTimersByTime(11_000);
    expect(socket.disconnected).toBe(true);
  });

  it("clears the timer when the socket disconnects first", async () => {
    const middleware = jwtAuth({ secret: SECRET });
    const socket = new HandshakeSocket();
    await run(middleware, socket, { token: await token("erin", 10) });
    expect(jest.getTimerCount()).toBe(1);
    socket.disconnect();
    expect(jest.getTimerCount()).toBe(0);
  });
});
