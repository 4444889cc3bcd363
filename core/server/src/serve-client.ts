import type { IncomingMessage, ServerResponse } from "node:http";
import createDebug from "debug";
import { createCorsMiddleware, interceptRequests, type CorsOptions, type EngineMiddleware, type RequestEmitter } from "@switchboard/engine";
import { CLIENT_FILES, loadBundleFile, type BundleLocation, type BundleMiss } from "./client-bundle.js";
import { pickContentEncoding } from "./content-encoding.js";

export { clearClientFileCache } from "./client-bundle.js";

const debug = createDebug("switchboard:server");

/** Where the bundle comes from, and the CORS policy it is served with. */
export interface ServeClientOptions extends BundleLocation {
  /**
   * CORS headers (and preflight answers) for the bundle URLs: the server's `cors` option, applied
   * as socket.io applies it. Without it, no CORS header is sent (a `<script>` tag needs none).
   */
  cors?: CorsOptions | boolean;
}

type ClientFileHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Weak comparison (RFC 9110 §13.1.2): `W/` is ignored on both sides; `*` matches anything. */
function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = etag.replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t.replace(/^W\//, "") === opaque;
  });
}

function addVary(res: ServerResponse, field: string): void {
  const current = res.getHeader("Vary");
  const text = current === undefined ? "" : String(current);
  if (text.split(/\s*,\s*/).some((f) => f === "*" || f.toLowerCase() === field.toLowerCase())) return;
  res.setHeader("Vary", text ? `${text}, ${field}` : field);
}

function missingMessage(name: string, miss: BundleMiss): string {
  if (miss.missing === "package") {
    return (
      `${name} is not available: the browser client is not installed.\n` +
      `Install it next to @switchboard/server:\n\n    npm i @switchboard/client\n\n` +
      `or stop serving it with new Server({ serveClient: false }).\n`
    );
  }
  return (
    `${name} is not available: @switchboard/client is installed but has no dist/bundle/${name}.\n` +
    `Reinstall it (npm i @switchboard/client); in a Switchboard checkout, run npm run build.\n`
  );
}

async function answer(req: IncomingMessage, res: ServerResponse, name: string, where: BundleLocation): Promise<void> {
  const file = await loadBundleFile(name, where);
  if ("missing" in file) {
    if (file.missing === "file") debug("%s not found in %s", name, file.dir);
    res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
    res.end(missingMessage(name, file));
    return;
  }
  res.setHeader("Cache-Control", "public, max-age=0");
  res.setHeader("ETag", file.etag);
  addVary(res, "Accept-Encoding");
  if (etagMatches(req.headers["if-none-match"], file.etag)) {
    res.writeHead(304);
    res.end();
    return;
  }
  let body = file.body;
  const encoding = pickContentEncoding(req.headers["accept-encoding"]);
  if (encoding) {
    try {
      body = await file.encoded(encoding);
      res.setHeader("Content-Encoding", encoding);
    } catch (err) {
      debug("cannot %s-encode %s, sending it as is: %s", encoding, name, (err as Error).message);
    }
  }
  res.writeHead(200, { "Content-Type": file.contentType, "Content-Length": body.length });
  res.end(req.method === "HEAD" ? undefined : body);
}

/**
 * A request handler for the client bundle under `path` (the files of {@link CLIENT_FILES}):
 * returns false, without answering, for any other request. Answers carry a weak content-hash
 * ETag and `Cache-Control: public, max-age=0` (revalidate: 304 on `If-None-Match`), are brotli-
 * or gzip-encoded per `Accept-Encoding` (`Vary: Accept-Encoding`), and get CORS headers when
 * `options.cors` is set (OPTIONS preflights are then answered too).
 *
 * @example
 * const serve = createClientFileHandler("/socket.io", { cors: { origin: "https://app.example" } });
 * http.on("request", (req, res) => serve(req, res) || next(req, res));
 */
export function createClientFileHandler(path: string, options: ServeClientOptions = {}): ClientFileHandler {
  const prefix = path.replace(/\/$/, "") + "/";
  const cors: EngineMiddleware | undefined = options.cors ? createCorsMiddleware(options.cors === true ? {} : options.cors) : undefined;
  const where: BundleLocation = { bundleDir: options.bundleDir, resolveFrom: options.resolveFrom };
  return (req, res) => {
    const method = req.method;
    if (method !== "GET" && method !== "HEAD" && !(method === "OPTIONS" && cors)) return false;
    const pathname = (req.url ?? "").split("?", 1)[0];
    if (!pathname.startsWith(prefix)) return false;
    const name = pathname.slice(prefix.length);
    if (!Object.prototype.hasOwnProperty.call(CLIENT_FILES, name)) return false;
    const serve = () => {
      if (method === "OPTIONS") {
        // A preflight the CORS middleware passed on (`preflightContinue`): nothing more to say.
        res.writeHead(204);
        res.end();
        return;
      }
      answer(req, res, name, where).catch((err: unknown) => {
        debug("serving %s failed: %s", name, (err as Error)?.message ?? err);
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
        res.end();
      });
    };
    if (!cors) {
      serve();
      return true;
    }
    // The middleware answers preflights itself; a failing `origin` function leaves the headers out.
    cors(req, res, (err) => {
      if (err) debug("cors origin check failed for %s: %s", name, (err as Error)?.message ?? err);
      serve();
    });
    return true;
  };
}

/**
 * Answers a request for the client bundle (see {@link createClientFileHandler}); false, without
 * answering, for any other request.
 *
 * @example
 * http.on("request", (req, res) => { if (!serveClientFile(req, res, "/socket.io")) next(req, res); });
 */
export function serveClientFile(req: IncomingMessage, res: ServerResponse, path: string, options: ServeClientOptions = {}): boolean {
  return createClientFileHandler(path, options)(req, res);
}

/**
 * Puts the bundle handler in front of the server's current "request" listeners. Call it after
 * the engine has attached, so bundle URLs under the engine's own path never reach the engine.
 *
 * @example
 * engine.attach(httpServer); attachClientServing(httpServer, "/socket.io", { cors: { origin: "*" } });
 */
export function attachClientServing(srv: RequestEmitter, path: string, options: ServeClientOptions = {}): void {
  interceptRequests(srv, createClientFileHandler(path, options));
}
