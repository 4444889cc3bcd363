import { Encoder } from "@switchboard/protocol";
import { resolveServerOptions } from "./server-options.js";

describe("resolveServerOptions", () => {
  it("fills socket.io's defaults and keeps engine options apart", () => {
    const opts = resolveServerOptions({ pingInterval: 1000, cors: { origin: "*" } });
    expect(opts.path).toBe("/socket.io");
    expect(opts.serveClient).toBe(true);
    expect(opts.connectTimeout).toBe(45000);
    expect(opts.cleanupEmptyChildNamespaces).toBe(false);
    expect(opts.connectionStateRecovery).toBeUndefined();
    expect(new opts.parser.Encoder()).toBeInstanceOf(Encoder);
    expect(opts.engine).toEqual({ pingInterval: 1000, cors: { origin: "*" } });
  });

  it("fills connectionStateRecovery defaults and trims a trailing slash from the path", () => {
    const opts = resolveServerOptions({ path: "/ws/", connectionStateRecovery: { maxDisconnectionDuration: 5000 } });
    expect(opts.path).toBe("/ws");
    expect(opts.connectionStateRecovery).toEqual({ maxDisconnectionDuration: 5000, skipMiddlewares: true });
    expect(resolveServerOptions({ connectionStateRecovery: {} }).connectionStateRecovery).toEqual({
      maxDisconnectionDuration: 120000,
      skipMiddlewares: true,
    });
  });

  it("validates the engine's cookie option before any engine exists", () => {
    expect(() => resolveServerOptions({ cookie: { domain: "example.com\r\nSet-Cookie: admin=1" } })).toThrow(
      expect.objectContaining({ code: "INVALID_COOKIE_OPTION", message: expect.stringContaining('"cookie.domain"') }),
    );
    expect(resolveServerOptions({ cookie: { name: "sid" } }).engine).toEqual({ cookie: { name: "sid" } });
  });
});
