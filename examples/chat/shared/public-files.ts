import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { IncomingMessage, ServerResponse } from "node:http";

/** The chat page's folder, shared by every server variant (found from the sources and from dist/ alike). */
export const PUBLIC_DIR = ["../public/", "../../public/"]
  .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
  .find((dir) => existsSync(join(dir, "index.html")))!;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
};

/** Serves the page's files for the plain Node and Fastify variants (Express and NestJS use their own static middleware). */
export async function servePublicFile(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
  const relative = normalize(pathname === "/" ? "index.html" : decodeURIComponent(pathname).slice(1));
  const file = join(PUBLIC_DIR, relative);
  const type = TYPES[extname(file)];
  if ((req.method !== "GET" && req.method !== "HEAD") || !type || !file.startsWith(PUBLIC_DIR) || relative.split(sep).includes("..")) {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { "content-type": type, "content-length": body.length }).end(req.method === "HEAD" ? undefined : body);
  } catch {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  }
}
