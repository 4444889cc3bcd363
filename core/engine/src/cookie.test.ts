import { resolveCookieOptions, serializeCookie } from "./cookie.js";

/** The error a call throws (fails the test when it does not throw). */
function thrown(fn: () => unknown): TypeError & { code?: string } {
  try {
    fn();
  } catch (err) {
    return err as TypeError & { code?: string };
  }
  throw new Error("expected a throw");
}

function expectInvalid(field: string, value: unknown): void {
  const err = thrown(() => resolveCookieOptions({ [field]: value }));
  expect(err).toBeInstanceOf(TypeError);
  expect(err.code).toBe("INVALID_COOKIE_OPTION");
  expect(err.message).toContain(`"cookie.${field}"`);
  // The message shows the value escaped: no raw CR/LF in logs.
  expect(err.message).not.toMatch(/[\r\n]/);
}

describe("serializeCookie", () => {
  it("writes engine.io's default session cookie", () => {
    expect(serializeCookie("io", "abc", { path: "/", httpOnly: true, sameSite: "lax" })).toBe("io=abc; Path=/; HttpOnly; SameSite=Lax");
  });

  it("writes every attribute and encodes the value", () => {
    const expires = new Date(Date.UTC(2030, 0, 1));
    expect(serializeCookie("s", "a b", { maxAge: 60.5, domain: "example.com", path: "/x", expires, secure: true, sameSite: true })).toBe(
      "s=a%20b; Max-Age=60; Domain=example.com; Path=/x; Expires=Tue, 01 Jan 2030 00:00:00 GMT; Secure; SameSite=Strict",
    );
    expect(serializeCookie("s", "v", { path: false, sameSite: "none" })).toBe("s=v; SameSite=None");
  });

  it("writes SameSite in its canonical case whatever the case given", () => {
    expect(serializeCookie("s", "v", { sameSite: "LAX" as "lax" })).toBe("s=v; SameSite=Lax");
    expect(serializeCookie("s", "v", { sameSite: "None" as "none" })).toBe("s=v; SameSite=None");
  });

  it("refuses an invalid name", () => {
    expect(() => serializeCookie("bad name", "v")).toThrow(TypeError);
  });

  it("refuses options it cannot write as one valid header value, even unvalidated ones", () => {
    expect(() => serializeCookie("io", "v", { domain: "example.com\r\nSet-Cookie: admin=1" })).toThrow(/cookie\.domain/);
    expect(() => serializeCookie("io", "v", { path: "/; Domain=evil.example" })).toThrow(/cookie\.path/);
    expect(() => serializeCookie("io", "v", { sameSite: "lax; Secure" as "lax" })).toThrow(/cookie\.sameSite/);
  });
});

describe("resolveCookieOptions", () => {
  it("means no cookie for false, null and undefined, and engine.io's defaults for true", () => {
    expect(resolveCookieOptions(undefined)).toBe(false);
    expect(resolveCookieOptions(null)).toBe(false);
    expect(resolveCookieOptions(false)).toBe(false);
    expect(resolveCookieOptions(true)).toEqual({ name: "io", path: "/", httpOnly: true, sameSite: "lax" });
  });

  it("keeps valid options and lower-cases sameSite", () => {
    const expires = new Date(Date.UTC(2030, 0, 1));
    expect(
      resolveCookieOptions({
        name: "__Host-sid",
        path: "/app/x-y",
        domain: ".sub.example.com",
        sameSite: "Strict" as "strict",
        maxAge: -1,
        expires,
        secure: true,
        httpOnly: false,
      }),
    ).toEqual({ name: "__Host-sid", path: "/app/x-y", domain: ".sub.example.com", sameSite: "strict", maxAge: -1, expires, secure: true, httpOnly: false });
    expect(resolveCookieOptions({ path: false, sameSite: false, domain: "127.0.0.1" })).toMatchObject({ path: false, sameSite: false, domain: "127.0.0.1" });
    expect(resolveCookieOptions({ sameSite: true })).toMatchObject({ sameSite: true });
    // engine.io skips null attributes; so do we.
    const nulls = { domain: null, maxAge: null, expires: null, sameSite: null, secure: null } as unknown as Record<string, never>;
    expect(resolveCookieOptions(nulls)).toEqual({ name: "io", path: "/", httpOnly: true });
  });

  it("refuses a name that is not an RFC 6265 token", () => {
    for (const name of ["", "bad name", "a;b", "a=b", "a,b", 'a"b', "a(b)", "a/b", "a\r\nb", "é", 42]) expectInvalid("name", name);
  });

  it("refuses a domain with controls, ';', spaces or anything but a host name", () => {
    for (const domain of ["example.com\r\nSet-Cookie: admin=1", "example.com; Secure", "a b.com", "exa\tmple.com", "a..b", "-a.com", "a_b.com", 1]) {
      expectInvalid("domain", domain);
    }
  });

  it("refuses a path with controls or ';'", () => {
    for (const path of ["/a;b", "/\r\nX-Injected: 1", "/a\x00", "/a\x7f", "/é", true, 0]) expectInvalid("path", path);
  });

  it("refuses a sameSite other than true, false, lax, strict or none", () => {
    for (const sameSite of ["lax; Secure", "", "relaxed", 1]) expectInvalid("sameSite", sameSite);
  });

  it("refuses a maxAge that is not a finite number, an invalid expires and non-boolean flags", () => {
    for (const maxAge of [Infinity, NaN, "60"]) expectInvalid("maxAge", maxAge);
    for (const expires of [new Date("nope"), "2030-01-01", Date.now()]) expectInvalid("expires", expires);
    expectInvalid("httpOnly", "yes");
    expectInvalid("secure", 1);
  });

  it("refuses a cookie option that is neither a boolean nor an object", () => {
    const err = thrown(() => resolveCookieOptions("io"));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.code).toBe("INVALID_COOKIE_OPTION");
    expect(err.message).toContain('"cookie"');
  });
});
