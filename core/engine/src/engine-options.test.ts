import { resolveEngineOptions } from "./engine-options.js";

describe("resolveEngineOptions", () => {
  it("has engine.io's defaults", () => {
    const opts = resolveEngineOptions();
    expect(opts).toMatchObject({
      pingInterval: 25000,
      pingTimeout: 20000,
      upgradeTimeout: 10000,
      maxHttpBufferSize: 1e6,
      transports: ["polling", "websocket"],
      allowUpgrades: true,
      allowEIO3: false,
      httpCompression: { threshold: 1024 },
      perMessageDeflate: false,
      cookie: false,
      cors: false,
      path: "/engine.io",
      addTrailingSlash: true,
      maxWriteBufferSize: 1e7,
      writeBufferPolicy: "drop-volatile",
      shutdownTimeout: 5000,
    });
  });

  it("fills cookie and compression sub-options", () => {
    expect(resolveEngineOptions({ cookie: true }).cookie).toEqual({ name: "io", path: "/", httpOnly: true, sameSite: "lax" });
    expect(resolveEngineOptions({ cookie: { name: "x" } }).cookie).toMatchObject({ name: "x", path: "/" });
    expect(resolveEngineOptions({ perMessageDeflate: true }).perMessageDeflate).toEqual({ threshold: 1024 });
    expect(resolveEngineOptions({ httpCompression: false }).httpCompression).toBe(false);
    expect(resolveEngineOptions({ httpCompression: { threshold: 10 } }).httpCompression).toEqual({ threshold: 10 });
  });

  it("keeps cors as given, like engine.io's opts.cors", () => {
    expect(resolveEngineOptions({ cors: true }).cors).toBe(true);
    expect(resolveEngineOptions({ cors: { origin: "*" } }).cors).toEqual({ origin: "*" });
    expect(resolveEngineOptions({ allowEIO3: true }).allowEIO3).toBe(true);
  });

  it("throws on programmer errors", () => {
    expect(() => resolveEngineOptions({ pingInterval: -1 })).toThrow(TypeError);
    expect(() => resolveEngineOptions({ maxWriteBufferSize: -1 })).toThrow(TypeError);
    expect(() => resolveEngineOptions({ writeBufferPolicy: "ignore" as "close" })).toThrow(TypeError);
    expect(() => resolveEngineOptions({ transports: ["carrier-pigeon" as "polling"] })).toThrow(TypeError);
  });

  it("validates every cookie field, naming it in a TypeError with a stable code", () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ["cookie.name", { name: "bad name" }],
      ["cookie.domain", { domain: "example.com\r\nSet-Cookie: admin=1" }],
      ["cookie.path", { path: "/; Domain=evil.example" }],
      ["cookie.sameSite", { sameSite: "lax; Secure" }],
      ["cookie.maxAge", { maxAge: Infinity }],
      ["cookie.expires", { expires: new Date(NaN) }],
    ];
    for (const [field, cookie] of cases) {
      let error: unknown;
      try {
        resolveEngineOptions({ cookie });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(TypeError);
      expect(error).toMatchObject({ code: "INVALID_COOKIE_OPTION", message: expect.stringContaining(`"${field}"`) });
    }
    expect(resolveEngineOptions({ cookie: { sameSite: "None" as "none", secure: true } }).cookie).toMatchObject({ sameSite: "none", secure: true });
  });

  it("derives the flow-control high-water mark from maxWriteBufferSize unless given", () => {
    expect(resolveEngineOptions().writeBufferHighWaterMark).toBe(1e6);
    expect(resolveEngineOptions({ maxWriteBufferSize: 1e6 }).writeBufferHighWaterMark).toBe(5e5);
    expect(resolveEngineOptions({ maxWriteBufferSize: Infinity }).writeBufferHighWaterMark).toBe(1e6);
    expect(resolveEngineOptions({ writeBufferHighWaterMark: 4096 }).writeBufferHighWaterMark).toBe(4096);
    expect(resolveEngineOptions({ writeBufferHighWaterMark: Infinity, maxWriteBufferSize: Infinity }).writeBufferHighWaterMark).toBe(Infinity);
  });

  it("refuses a high-water mark that is negative or above maxWriteBufferSize, naming the option", () => {
    for (const opts of [
      { writeBufferHighWaterMark: -1 },
      { writeBufferHighWaterMark: 2e6, maxWriteBufferSize: 1e6 },
      { writeBufferHighWaterMark: "1" as unknown as number },
    ]) {
      expect(() => resolveEngineOptions(opts)).toThrow(
        expect.objectContaining({ code: "INVALID_HIGH_WATER_MARK", message: expect.stringContaining('"writeBufferHighWaterMark"') }),
      );
    }
  });

  it("leaves out engine.io's webtransport, which is not carried here", () => {
    expect(resolveEngineOptions({ transports: ["polling", "webtransport" as "polling", "websocket"] }).transports).toEqual(["polling", "websocket"]);
  });
});
