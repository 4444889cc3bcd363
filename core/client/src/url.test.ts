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
});
