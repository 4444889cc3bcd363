import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { closeServer, listen } from "../../../test/support/index.js";
import { ensureClientBundle } from "../../../test/client/ensure-bundle.js";
import { attachClientServing, serveClientFile } from "./serve-client.js";

const bundleDir = join(dirname(createRequire(import.meta.url).resolve("@switchboard/client/package.json")), "dist", "bundle");

describe("serveClientFile", () => {
  let url: string;
  let server: ReturnType<typeof createServer>;

  beforeAll(async () => {
    await ensureClientBundle();
    server = createServer((req, res) => {
      if (!serveClientFile(req, res, "/socket.io")) {
        res.writeHead(418);
        res.end("not mine");
      }
    });
    ({ url } = await listen(server));
  });

  afterAll(() => closeServer(server));

  test.each([
    ["socket.io.js", "application/javascript; charset=utf-8"],
    ["socket.io.min.js", "application/javascript; charset=utf-8"],
    ["socket.io.esm.min.js", "application/javascript; charset=utf-8"],
    ["socket.io.js.map", "application/json; charset=utf-8"],
    ["socket.io.esm.min.js.map", "application/json; charset=utf-8"],
  ])("serves %s with its content type, ETag and 304 revalidation", async (name, type) => {
    const res = await fetch(`${url}/socket.io/${name}?v=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(type);
    expect(res.headers.get("cache-control")).toMatch(/max-age/);
    const etag = res.headers.get("etag");
    expect(etag).toMatch(/^"[^"]+"$/);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(readFileSync(join(bundleDir, name)));
    const again = await fetch(`${url}/socket.io/${name}`, { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
  });

  test("answers 404 with a clear message when the bundle is missing", async () => {
    const missing = createServer((req, res) => {
      if (!serveClientFile(req, res, "/socket.io", "/nonexistent/switchboard-bundle")) res.end();
    });
    const { url: missingUrl } = await listen(missing);
    try {
      const res = await fetch(`${missingUrl}/socket.io/socket.io.min.js`);
      expect(res.status).toBe(404);
      expect(await res.text()).toMatch(/@switchboard\/client browser bundle is missing/);
    } finally {
      await closeServer(missing);
    }
  });

  test("leaves other URLs and methods alone", async () => {
    for (const path of ["/socket.io/", "/socket.io/other.js", "/socket.io.js", "/elsewhere/socket.io.js"]) {
      const res = await fetch(url + path);
      expect(res.status).toBe(418);
      await res.text();
    }
    const post = await fetch(`${url}/socket.io/socket.io.js`, { method: "POST", body: "x" });
    expect(post.status).toBe(418);
    await post.text();
  });

  test("attachClientServing answers bundle URLs before the existing listeners", async () => {
    const seen: string[] = [];
    const http = createServer((req, res) => {
      seen.push(req.url ?? "");
      res.writeHead(400);
      res.end("engine");
    });
    attachClientServing(http, "/socket.io");
    const { url: base } = await listen(http);
    try {
      const bundle = await fetch(`${base}/socket.io/socket.io.min.js`);
      expect(bundle.status).toBe(200);
      await bundle.arrayBuffer();
      const other = await fetch(`${base}/socket.io/?EIO=4&transport=polling`);
      expect(other.status).toBe(400);
      await other.text();
      expect(seen).toEqual(["/socket.io/?EIO=4&transport=polling"]);
    } finally {
      await closeServer(http);
    }
  });
});
