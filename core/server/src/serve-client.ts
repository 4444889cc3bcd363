import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import createDebug from "debug";
import { interceptRequests, type RequestEmitter } from "./engine/request-interceptor.js";

const debug = createDebug("switchboard:server");

interface CachedFile {
  body: Buffer;
  etag: string;
  contentType: string;
}

const FILES: Record<string, string> = {
  "socket.io.js": "application/javascript; charset=utf-8",
  "socket.io.min.js": "application/javascript; charset=utf-8",
  "socket.io.esm.min.js": "application/javascript; charset=utf-8",
  "socket.io.js.map": "application/json; charset=utf-8",
  "socket.io.min.js.map": "application/json; charset=utf-8",
  "socket.io.esm.min.js.map": "application/json; charset=utf-8",
};

const cache = new Map<string, CachedFile>();
let bundleDir: string | null | undefined;

/** Where the client's browser bundle lives, found at runtime so the server never imports the client. */
function resolveBundleDir(): string | null {
  if (bundleDir !== undefined) return bundleDir;
  try {
    const pkg = createRequire(import.meta.url).resolve("@switchboard/client/package.json");
    bundleDir = join(dirname(pkg), "dist", "bundle");
  } catch (err) {
    debug("@switchboard/client is not installed: %s", (err as Error).message);
    bundleDir = null;
  }
  return bundleDir;
}

function load(name: string, dirOverride: string | undefined): CachedFile | null {
  const key = dirOverride === undefined ? name : `${dirOverride}\0${name}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const dir = dirOverride ?? resolveBundleDir();
  if (!dir) return null;
  let body: Buffer;
  try {
    body = readFileSync(join(dir, name));
  } catch (err) {
    debug("client bundle file %s missing: %s", name, (err as Error).message);
    return null;
  }
  const etag = `"${createHash("sha1").update(body).digest("base64url").slice(0, 27)}"`;
  const file = { body, etag, contentType: FILES[name]! };
  cache.set(key, file);
  return file;
}

/**
 * Serves the client bundle (`socket.io.js`, `.min.js`, `.esm.min.js` and their source maps) under
 * `path`, with ETag revalidation. Returns false, without answering, for any other request.
 * `bundleDir` overrides where the files are read (default: `@switchboard/client`'s `dist/bundle`).
 *
 * @example
 * http.on("request", (req, res) => { if (!serveClientFile(req, res, "/socket.io")) next(req, res); });
 */
export function serveClientFile(req: IncomingMessage, res: ServerResponse, path: string, bundleDir?: string): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const url = req.url ?? "";
  const pathname = url.split("?", 1)[0]!;
  const prefix = path.replace(/\/$/, "") + "/";
  if (!pathname.startsWith(prefix)) return false;
  const name = pathname.slice(prefix.length);
  if (!Object.prototype.hasOwnProperty.call(FILES, name)) return false;

  const file = load(name, bundleDir);
  if (!file) {
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
    res.end(
      `${name} not found: the @switchboard/client browser bundle is missing (build it with \`npm run build -w @switchboard/client\`).\n`,
    );
    return true;
  }
  const headers = { "Cache-Control": "public, max-age=0", ETag: file.etag };
  const ifNoneMatch = req.headers["if-none-match"];
  if (ifNoneMatch && ifNoneMatch.split(",").some((tag) => tag.trim() === file.etag || tag.trim() === "*")) {
    res.writeHead(304, headers);
    res.end();
    return true;
  }
  res.writeHead(200, { ...headers, "Content-Type": file.contentType, "Content-Length": file.body.length });
  res.end(req.method === "HEAD" ? undefined : file.body);
  return true;
}

/** Forgets cached files (tests rebuild the bundle; a server keeps its first read otherwise). */
export function clearClientFileCache(): void {
  cache.clear();
  bundleDir = undefined;
}

/**
 * Puts {@link serveClientFile} in front of the server's current "request" listeners. Call it after
 * the engine has attached, so bundle URLs under the engine's own path never reach the engine.
 *
 * @example
 * engine.attach(httpServer); attachClientServing(httpServer, "/socket.io");
 */
export function attachClientServing(srv: RequestEmitter, path: string): void {
  interceptRequests(srv, (req, res) => serveClientFile(req, res, path));
}
