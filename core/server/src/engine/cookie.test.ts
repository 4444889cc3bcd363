import { serializeCookie } from "./cookie.js";

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

  it("refuses an invalid name", () => {
    expect(() => serializeCookie("bad name", "v")).toThrow(TypeError);
  });
});
