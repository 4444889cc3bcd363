import { parseUrl } from "./url.js";

describe("parseUrl", () => {
  test("namespace, query and cache id", () => {
    const u = parseUrl("http://localhost:3000/admin?token=abc&x=1");
    expect(u.path).toBe("/admin");
    expect(u.query).toBe("token=abc&x=1");
    expect(u.id).toBe("http://localhost:3000/socket.io");
    expect(parseUrl("https://example.com").id).toBe("https://example.com:443/socket.io");
    expect(parseUrl("http://example.com/", "/custom").id).toBe("http://example.com:80/custom");
    expect(parseUrl("http://[::1]:8080/").id).toBe("http://[::1]:8080/socket.io");
  });

  test("scheme-less URLs default to https outside browsers", () => {
    const u = parseUrl("example.com/chat");
    expect(u.protocol).toBe("https");
    expect(u.path).toBe("/chat");
  });

  describe("IPv6 hosts", () => {
    test.each([
      ["http://[::1]", { host: "::1", port: "80", id: "http://[::1]:80/socket.io", href: "http://[::1]" }],
      ["https://[::1]:8443/admin", { host: "::1", port: "8443", id: "https://[::1]:8443/socket.io", href: "https://[::1]:8443", path: "/admin" }],
      ["http://[2001:db8::ff00:42:8329]:3000", { host: "2001:db8::ff00:42:8329", port: "3000", id: "http://[2001:db8::ff00:42:8329]:3000/socket.io" }],
    ])("parseUrl(%s) gives the host without brackets, the id with them", (uri, expected) => {
      expect(parseUrl(uri)).toMatchObject(expected);
    });

    test("a page served from an IPv6 host: the location's host completes the URL", () => {
      const g = globalThis as { location?: unknown };
      g.location = { protocol: "http:", host: "[::1]:", hostname: "[::1]", port: "" };
      try {
        expect(parseUrl(undefined)).toMatchObject({ protocol: "http", host: "::1", port: "80", id: "http://[::1]:80/socket.io" });
      } finally {
        delete g.location;
      }
    });
  });
});
