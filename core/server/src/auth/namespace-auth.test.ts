import { describe, expect, it } from "@jest/globals";
import { Server } from "../server.js";
import { chainAuth, resolveNamespaceAuth } from "./namespace-auth.js";
import type { AuthMiddleware, AuthSocket } from "./auth-socket.js";

const allow: AuthMiddleware = (_socket, next) => next();

describe("resolveNamespaceAuth", () => {
  it("is undefined without auth", () => {
    expect(resolveNamespaceAuth(undefined, undefined)).toBeUndefined();
  });

  it("matches public namespaces by exact name or pattern, global patterns included", () => {
    const auth = resolveNamespaceAuth(allow, ["/status", /^\/open-\w+$/g])!;
    expect(auth.middleware).toBe(allow);
    for (let i = 0; i < 3; i++) expect(auth.isPublic("/open-a")).toBe(true);
    expect(auth.isPublic("/status")).toBe(true);
    expect(auth.isPublic("/status/x")).toBe(false);
    expect(auth.isPublic("/")).toBe(false);
  });

  it.each([
    [{ auth: allow, publicNamespaces: "/status" }, /publicNamespaces must be an array/],
    [{ auth: allow, publicNamespaces: ["status"] }, /publicNamespaces: "status" is neither/],
    [{ auth: allow, publicNamespaces: [42] }, /publicNamespaces: 42 is neither/],
    [{ publicNamespaces: ["/status"] }, /publicNamespaces is set but auth is not/],
    [{ auth: "jwt" }, /auth must be a middleware/],
  ])("refuses %p at server creation with an error naming the option", (options, message) => {
    expect(() => new Server(options as never)).toThrow(message);
    try {
      new Server(options as never);
    } catch (err) {
      expect((err as { code?: string }).code).toBe("INVALID_AUTH_OPTION");
    }
  });
});

describe("chainAuth", () => {
  const socket = {} as AuthSocket;
  const run = (mw: AuthMiddleware) => new Promise<Error | undefined>((resolve) => mw(socket, resolve));

  it("runs every middleware in order and stops at the first refusal or throw", async () => {
    const order: string[] = [];
    const step =
      (name: string, fail?: "next" | "throw"): AuthMiddleware =>
      (_s, next) => {
        order.push(name);
        if (fail === "throw") throw new Error(name);
        next(fail === "next" ? new Error(name) : undefined);
      };
    expect(await run(chainAuth([step("a"), step("b")]))).toBeUndefined();
    expect((await run(chainAuth([step("c"), step("d", "next"), step("e")])))?.message).toBe("d");
    expect((await run(chainAuth([step("f", "throw"), step("g")])))?.message).toBe("f");
    expect(order).toEqual(["a", "b", "c", "d", "f"]);
  });
});
