import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, brotliDecompress, constants, gunzip, gzip } from "node:zlib";
import createDebug from "debug";
import type { BundleEncoding } from "./content-encoding.js";

const debug = createDebug("switchboard:server");

/** The files served under `${path}/`, with their content types (socket.io's list). */
export const CLIENT_FILES: Readonly<Record<string, string>> = {
  "socket.io.js": "application/javascript; charset=utf-8",
  "socket.io.js.map": "application/json; charset=utf-8",
  "socket.io.min.js": "application/javascript; charset=utf-8",
  "socket.io.min.js.map": "application/json; charset=utf-8",
  "socket.io.esm.min.js": "application/javascript; charset=utf-8",
  "socket.io.esm.min.js.map": "application/json; charset=utf-8",
  "socket.io.msgpack.min.js": "application/javascript; charset=utf-8",
  "socket.io.msgpack.min.js.map": "application/json; charset=utf-8",
};

/** Where to find the bundle: a directory, or where to resolve `@switchboard/client` from. */
export interface BundleLocation {
  /** Directory holding the files (default: `@switchboard/client`'s `dist/bundle`). */
  bundleDir?: string;
  /** File or URL the client package is resolved from (default: this module). */
  resolveFrom?: string | URL;
}

/** One bundle file in memory, with a validator derived from its content. */
export interface BundleFile {
  readonly name: string;
  readonly contentType: string;
  /** Weak ETag of the content (`W/"<sha1, base64url>"`), the same for every content coding. */
  readonly etag: string;
  readonly body: Buffer;
  /** The body in a content coding: the build's precompressed file when it matches, else compressed once here. */
  encoded(encoding: BundleEncoding): Promise<Buffer>;
}

/** Why a file cannot be served: the client package is not installed, or it lacks the file. */
export type BundleMiss = { missing: "package" } | { missing: "file"; dir: string };

const SUFFIX: Record<BundleEncoding, string> = { br: ".br", gzip: ".gz" };
const compress = { br: promisify(brotliCompress), gzip: promisify(gzip) };
const decompress = { br: promisify(brotliDecompress), gzip: promisify(gunzip) };

const files = new Map<string, Promise<BundleFile>>();
const dirs = new Map<string, string>();

function resolveBundleDir(from: string | URL): string | null {
  const key = String(from);
  const known = dirs.get(key);
  if (known) return known;
  try {
    const pkg = createRequire(from).resolve("@switchboard/client/package.json");
    const dir = join(dirname(pkg), "dist", "bundle");
    dirs.set(key, dir);
    return dir;
  } catch (err) {
    // Not cached: installing the package makes the next request work without a restart.
    debug("@switchboard/client cannot be resolved from %s: %s", key, (err as Error).message);
    return null;
  }
}

/** The precompressed file if it really is `body` in that coding; else `body` compressed now. */
async function encodeOnce(path: string, body: Buffer, encoding: BundleEncoding): Promise<Buffer> {
  try {
    const stored = await readFile(path + SUFFIX[encoding]);
    if ((await decompress[encoding](stored)).equals(body)) return stored;
    debug("%s%s is stale: compressing %s again", path, SUFFIX[encoding], path);
  } catch (err) {
    debug("no usable %s%s (%s): compressing it here", path, SUFFIX[encoding], (err as Error).message);
  }
  if (encoding === "gzip") return compress.gzip(body, { level: 9 });
  // A middling quality: this runs at request time, once per file and process.
  return compress.br(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 6, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
}

async function loadFile(dir: string, name: string): Promise<BundleFile> {
  const path = join(dir, name);
  const body = await readFile(path);
  const etag = `W/"${createHash("sha1").update(body).digest("base64url")}"`;
  const variants = new Map<BundleEncoding, Promise<Buffer>>();
  return {
    name,
    contentType: CLIENT_FILES[name],
    etag,
    body,
    encoded(encoding) {
      let variant = variants.get(encoding);
      if (!variant) {
        variant = encodeOnce(path, body, encoding);
        variants.set(encoding, variant);
        // A failure is not kept: the next request tries again.
        variant.catch(() => variants.delete(encoding));
      }
      return variant;
    },
  };
}

/**
 * Reads one of {@link CLIENT_FILES} (once per process: later calls share the buffers), or says
 * why it cannot.
 *
 * @example
 * const file = await loadBundleFile("socket.io.min.js"); if ("etag" in file) res.end(file.body);
 */
export async function loadBundleFile(name: string, where: BundleLocation = {}): Promise<BundleFile | BundleMiss> {
  const dir = where.bundleDir ?? resolveBundleDir(where.resolveFrom ?? import.meta.url);
  if (!dir) return { missing: "package" };
  const key = `${dir}\0${name}`;
  let file = files.get(key);
  if (!file) {
    file = loadFile(dir, name);
    files.set(key, file);
  }
  try {
    return await file;
  } catch (err) {
    if (files.get(key) === file) files.delete(key);
    debug("client bundle file %s missing in %s: %s", name, dir, (err as Error).message);
    return { missing: "file", dir };
  }
}

/** Forgets the files read so far (tests rebuild the bundle; a server keeps its first read otherwise). */
export function clearClientFileCache(): void {
  files.clear();
  dirs.clear();
}
