import { createServer, request, type IncomingHttpHeaders, type Server as HttpServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { closeServer, listen } from "../../../test/support/index.js";
import { ensureClientBundle } from "../../../test/client/ensure-bundle.js";
import { CLIENT_FILES } from "./client-bundle.js";
import { attachClientServing, clearClientFileCache, createClientFileHandler, serveClientFile, type ServeClientOptions } from "./serve-client.js";
import { Server } from "./server.js";
import { createFrameworkServer } from "./framework/framework-server.js";

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A plain http request: the body as sent (fetch would decode it), and only the headers given. */
function get(url: string, headers: Record<string, string> = {}, method = "GET"): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** An http server answering bundle URLs with `serveClientFile`, everything else with 418. */
async function bundleServer(options?: ServeClientOptions): Promise<{ http: HttpServer; url: string }> {
  const http = createServer((req, res) => {
    if (!serveClientFile(req, res, "/socket.io", options)) {
      res.writeHead(418);
      res.end("not mine");
    }
  });
  const { url } = await listen(http);
  return { http, url };
}

const FILE_NAMES = Object.keys(CLIENT_FILES);
const ETAG = /^W\/"[A-Za-z0-9_-]{27}"$/;

describe("serveClientFile", () => {
  let bundleDir: string;
  let url: string;
  let http: HttpServer;

  beforeAll(async () => {
    bundleDir = await ensureClientBundle();
    clearClientFileCache();
    ({ http, url } = await bundleServer());
  });

  afterAll(() => closeServer(http));

  test("serves socket.io's eight files, the msgpack bundle and every source map among them", () => {
    expect(FILE_NAMES.sort()).toEqual(
      [
        "socket.io.js",
        "socket.io.js.map",
        "socket.io.min.js",
        "socket.io.min.js.map",
        "socket.io.esm.min.js",
        "socket.io.esm.min.js.map",
        "socket.io.msgpack.min.js",
        "socket.io.msgpack.min.js.map",
      ].sort(),
    );
  });

  test.each(FILE_NAMES)("%s: content type, weak content-hash ETag, Cache-Control, Vary, and 304 revalidation", async (name) => {
    const res = await get(`${url}/socket.io/${name}?v=1`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe(name.endsWith(".map") ? "application/json; charset=utf-8" : "application/javascript; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("public, max-age=0");
    expect(res.headers.vary).toBe("Accept-Encoding");
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.body.equals(readFileSync(join(bundleDir, name)))).toBe(true);
    expect(Number(res.headers["content-length"])).toBe(res.body.length);
    const etag = res.headers.etag!;
    expect(etag).toMatch(ETAG);

    for (const tag of [etag, etag.slice(2), `"nope", ${etag}`, "*"]) {
      const again = await get(`${url}/socket.io/${name}`, { "if-none-match": tag });
      expect(again.status).toBe(304);
      expect(again.headers.etag).toBe(etag);
      expect(again.headers["cache-control"]).toBe("public, max-age=0");
      expect(again.body.length).toBe(0);
    }
    const changed = await get(`${url}/socket.io/${name}`, { "if-none-match": 'W/"an-older-build"' });
    expect(changed.status).toBe(200);
  });

  test("the ETag follows the content: each file has its own", async () => {
    const tags = await Promise.all(FILE_NAMES.map(async (name) => (await get(`${url}/socket.io/${name}`)).headers.etag));
    expect(new Set(tags).size).toBe(FILE_NAMES.length);
  });

  test.each([
    ["gzip", "gzip"],
    ["br", "br"],
    ["gzip,br,deflate", "gzip"],
    ["br, gzip", "br"],
    ["gzip;q=0.5, br", "br"],
    ["br;q=0.2, gzip;q=0.9", "gzip"],
    ["*", "br"],
    ["gzip;q=0, *", "br"],
    ["deflate", undefined],
    ["gzip;q=0", undefined],
    ["identity", undefined],
  ])("Accept-Encoding %j is answered in %s", async (accept, expected) => {
    const res = await get(`${url}/socket.io/socket.io.js`, { "accept-encoding": accept });
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe(expected);
    expect(res.headers.vary).toBe("Accept-Encoding");
    expect(Number(res.headers["content-length"])).toBe(res.body.length);
    const decoded = expected === "br" ? brotliDecompressSync(res.body) : expected === "gzip" ? gunzipSync(res.body) : res.body;
    expect(decoded.equals(readFileSync(join(bundleDir, "socket.io.js")))).toBe(true);
  });

  test("the build's precompressed files are sent as they are, with the identity ETag", async () => {
    const plain = await get(`${url}/socket.io/socket.io.min.js`);
    for (const [encoding, suffix] of [
      ["br", ".br"],
      ["gzip", ".gz"],
    ]) {
      const res = await get(`${url}/socket.io/socket.io.min.js`, { "accept-encoding": encoding });
      expect(res.body.equals(readFileSync(join(bundleDir, `socket.io.min.js${suffix}`)))).toBe(true);
      expect(res.headers.etag).toBe(plain.headers.etag);
      expect(res.body.length).toBeLessThan(plain.body.length / 2);
    }
  });

  test("source maps, not precompressed by the build, are compressed on first request", async () => {
    const map = readFileSync(join(bundleDir, "socket.io.min.js.map"));
    const br = await get(`${url}/socket.io/socket.io.min.js.map`, { "accept-encoding": "br" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(br.body).equals(map)).toBe(true);
    const gz = await get(`${url}/socket.io/socket.io.min.js.map`, { "accept-encoding": "gzip" });
    expect(gunzipSync(gz.body).equals(map)).toBe(true);
  });

  test("HEAD answers the headers without the body", async () => {
    const res = await get(`${url}/socket.io/socket.io.min.js`, { "accept-encoding": "gzip" }, "HEAD");
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(Number(res.headers["content-length"])).toBe(readFileSync(join(bundleDir, "socket.io.min.js.gz")).length);
    expect(res.body.length).toBe(0);
  });

  test("leaves other URLs and methods alone", async () => {
    for (const path of [
      "/socket.io/",
      "/socket.io/other.js",
      "/socket.io/socket.io.esm.js",
      "/socket.io.js",
      "/elsewhere/socket.io.js",
      "/socket.io/socket.io.js.br",
    ]) {
      const res = await get(url + path);
      expect(res.status).toBe(418);
    }
    expect((await get(`${url}/socket.io/socket.io.js`, {}, "POST")).status).toBe(418);
    // Without a CORS policy a preflight is not the bundle's business.
    expect((await get(`${url}/socket.io/socket.io.js`, { origin: "https://a.example" }, "OPTIONS")).status).toBe(418);
  });

  test("no CORS header without a CORS policy", async () => {
    const res = await get(`${url}/socket.io/socket.io.js`, { origin: "https://a.example" });
    expect(res.status).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("serveClientFile with a CORS policy", () => {
  let url: string;
  let http: HttpServer;

  beforeAll(async () => {
    await ensureClientBundle();
    ({ http, url } = await bundleServer({ cors: { origin: ["https://good.example"], credentials: true } }));
  });

  afterAll(() => closeServer(http));

  test("an allowed origin gets its CORS headers, beside Vary: Accept-Encoding", async () => {
    const res = await get(`${url}/socket.io/socket.io.js`, { origin: "https://good.example", "accept-encoding": "br" });
    expect(res.status).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBe("https://good.example");
    expect(res.headers["access-control-allow-credentials"]).toBe("true");
    expect(res.headers.vary).toBe("Origin, Accept-Encoding");
    expect(res.headers["content-encoding"]).toBe("br");
  });

  test("another origin gets no Access-Control-Allow-Origin (the file is still served)", async () => {
    const res = await get(`${url}/socket.io/socket.io.js`, { origin: "https://evil.example" });
    expect(res.status).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  });

  test("a preflight is answered, without the file", async () => {
    const res = await get(`${url}/socket.io/socket.io.min.js`, { origin: "https://good.example", "access-control-request-method": "GET" }, "OPTIONS");
    expect(res.status).toBe(204);
    expect(res.headers["access-control-allow-origin"]).toBe("https://good.example");
    expect(res.headers["access-control-allow-methods"]).toMatch(/GET/);
    expect(res.body.length).toBe(0);
  });

  test("a 304 carries the CORS headers too", async () => {
    const first = await get(`${url}/socket.io/socket.io.js`, { origin: "https://good.example" });
    const again = await get(`${url}/socket.io/socket.io.js`, { origin: "https://good.example", "if-none-match": first.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.headers["access-control-allow-origin"]).toBe("https://good.example");
  });
});

describe("new Server(http) serves the bundle", () => {
  const servers: HttpServer[] = [];
  afterEach(async () => {
    for (const http of servers.splice(0)) await closeServer(http);
  });

  async function start(opts: Record<string, unknown>): Promise<string> {
    await ensureClientBundle();
    const http = createServer();
    new Server(http, opts);
    servers.push(http);
    return (await listen(http)).url;
  }

  test("with the server's cors option applied to it, as socket.io does", async () => {
    const url = await start({ cors: { origin: "https://good-origin.example" } });
    const res = await get(`${url}/socket.io/socket.io.js`, { origin: "https://good-origin.example", "accept-encoding": "gzip" });
    expect(res.status).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBe("https://good-origin.example");
    expect(res.headers["content-encoding"]).toBe("gzip");
  });

  test("without a cors option, without CORS headers; the msgpack bundle too", async () => {
    const url = await start({});
    const res = await get(`${url}/socket.io/socket.io.msgpack.min.js`, { origin: "https://a.example" });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/javascript; charset=utf-8");
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  });

  test("the integrations' handler (createFrameworkServer) applies the cors option too", async () => {
    await ensureClientBundle();
    const framework = createFrameworkServer({ cors: { origin: "https://good-origin.example" } });
    const http = createServer((req, res) => framework.serveClient(req, res) || res.writeHead(418).end());
    servers.push(http);
    const { url } = await listen(http);
    const res = await get(`${url}/socket.io/socket.io.min.js`, { origin: "https://good-origin.example", "accept-encoding": "br" });
    expect(res.status).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBe("https://good-origin.example");
    expect(res.headers["content-encoding"]).toBe("br");
    await framework.io.close();
  });

  test("serveClient: false leaves the URLs to the engine", async () => {
    const url = await start({ serveClient: false });
    expect((await get(`${url}/socket.io/socket.io.js`)).status).toBe(400);
  });
});

describe("when the bundle cannot be found", () => {
  let dir: string;
  let http: HttpServer | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "switchboard-bundle-"));
    clearClientFileCache();
  });

  afterEach(async () => {
    if (http) await closeServer(http);
    http = undefined;
    rmSync(dir, { recursive: true, force: true });
    clearClientFileCache();
  });

  test("without @switchboard/client installed, the 404 says what to install", async () => {
    // Resolved from an empty directory, the package really is not there.
    const started = await bundleServer({ resolveFrom: pathToFileURL(join(dir, "app.js")) });
    http = started.http;
    const res = await get(`${started.url}/socket.io/socket.io.js`);
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-store");
    const text = res.body.toString();
    expect(text).toContain("npm i @switchboard/client");
    expect(text).toContain("serveClient: false");
    expect(text).not.toMatch(/npm run build -w|workspace/);
  });

  test("a package without the file: the 404 says to reinstall it", async () => {
    const started = await bundleServer({ bundleDir: dir });
    http = started.http;
    const res = await get(`${started.url}/socket.io/socket.io.min.js`);
    expect(res.status).toBe(404);
    expect(res.body.toString()).toMatch(/installed but has no dist\/bundle\/socket\.io\.min\.js[\s\S]*npm i @switchboard\/client/);
  });

  test("a file added later is served without a restart", async () => {
    const started = await bundleServer({ bundleDir: dir });
    http = started.http;
    expect((await get(`${started.url}/socket.io/socket.io.js`)).status).toBe(404);
    writeFileSync(join(dir, "socket.io.js"), "/* engine.io */");
    const res = await get(`${started.url}/socket.io/socket.io.js`);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe("/* engine.io */");
  });

  test("a stale or missing precompressed file is never sent: the server compresses the current one", async () => {
    writeFileSync(join(dir, "socket.io.js"), "const current = 1;".repeat(100));
    writeFileSync(join(dir, "socket.io.js.gz"), gzipSync("const previousBuild = 0;"));
    const started = await bundleServer({ bundleDir: dir });
    http = started.http;
    for (const [encoding, decode] of [
      ["gzip", gunzipSync],
      ["br", brotliDecompressSync],
    ] as const) {
      const res = await get(`${started.url}/socket.io/socket.io.js`, { "accept-encoding": encoding });
      expect(res.headers["content-encoding"]).toBe(encoding);
      expect(decode(res.body).toString()).toBe("const current = 1;".repeat(100));
    }
  });
});

describe("attachClientServing", () => {
  test("answers bundle URLs before the existing listeners", async () => {
    await ensureClientBundle();
    const seen: string[] = [];
    const http = createServer((req, res) => {
      seen.push(req.url ?? "");
      res.writeHead(400);
      res.end("engine");
    });
    attachClientServing(http, "/socket.io");
    const { url: base } = await listen(http);
    try {
      expect((await get(`${base}/socket.io/socket.io.min.js`)).status).toBe(200);
      expect((await get(`${base}/socket.io/?EIO=4&transport=polling`)).status).toBe(400);
      expect(seen).toEqual(["/socket.io/?EIO=4&transport=polling"]);
    } finally {
      await closeServer(http);
    }
  });

  test("createClientFileHandler takes a custom path", async () => {
    await ensureClientBundle();
    const handler = createClientFileHandler("/rt/");
    const http = createServer((req, res) => handler(req, res) || res.writeHead(418).end());
    const { url } = await listen(http);
    try {
      expect((await get(`${url}/rt/socket.io.js`)).status).toBe(200);
      expect((await get(`${url}/socket.io/socket.io.js`)).status).toBe(418);
    } finally {
      await closeServer(http);
    }
  });
});
