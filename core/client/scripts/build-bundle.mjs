// Builds the browser bundles served at /socket.io/socket.io.js (IIFE, global `io`), .min.js,
// .esm.min.js and .msgpack.min.js (whose io() speaks socket.io-msgpack-parser's format), with
// their source maps. Node transports are swapped for the browser ones: no Node built-in may
// remain. Each bundle is also written brotli- and gzip-compressed (.br, .gz), which the server
// sends as they are to clients that accept them (source maps, fetched by devtools only, are
// compressed by the server on first request instead of weighing on the package).
import { build } from "esbuild";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "bundle");

/** Resolves every import of the Node platform module to the browser one. */
const browserPlatform = {
  name: "switchboard-browser-platform",
  setup(b) {
    b.onResolve({ filter: /[\\/]platform\.js$/ }, (args) => ({
      path: join(args.resolveDir, "platform-browser.ts"),
    }));
  },
};

/** Makes MessagePack the default parser (the msgpack bundle). */
const msgpackDefault = {
  name: "switchboard-msgpack-default",
  setup(b) {
    b.onResolve({ filter: /[\\/]default-parser\.js$/ }, (args) => ({
      path: join(args.resolveDir, "default-parser-msgpack.ts"),
    }));
  },
};

const common = {
  bundle: true,
  platform: "browser",
  target: ["es2020"],
  sourcemap: true,
  plugins: [browserPlatform],
  // Our own sources, not a possibly stale build of the protocol package.
  alias: { "@switchboard/protocol": join(root, "..", "protocol", "src", "index.ts") },
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
};

const iife = { ...common, entryPoints: [join(root, "src", "bundle-entry.ts")], format: "iife", globalName: "io", footer: { js: "io = io.default;" } };

const BUNDLES = ["socket.io.js", "socket.io.min.js", "socket.io.esm.min.js", "socket.io.msgpack.min.js"];

await Promise.all([
  build({ ...iife, outfile: join(outdir, "socket.io.js") }),
  build({ ...iife, minify: true, outfile: join(outdir, "socket.io.min.js") }),
  build({ ...iife, minify: true, plugins: [browserPlatform, msgpackDefault], outfile: join(outdir, "socket.io.msgpack.min.js") }),
  build({ ...common, entryPoints: [join(root, "src", "index.ts")], format: "esm", minify: true, outfile: join(outdir, "socket.io.esm.min.js") }),
]);

for (const file of BUNDLES) {
  const code = await readFile(join(outdir, file), "utf8");
  const leak = /\brequire\(["'](?:node:|ws["'])|from ["']node:/.exec(code);
  if (leak) throw new Error(`${file} pulls a Node module into the browser bundle: ${leak[0]}`);
}

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);
await Promise.all(
  BUNDLES.map(async (file) => {
    const body = await readFile(join(outdir, file));
    const params = { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: body.length };
    await writeFile(join(outdir, `${file}.br`), await brotli(body, { params }));
    await writeFile(join(outdir, `${file}.gz`), await gz(body, { level: 9 }));
  }),
);
console.log(`browser bundles written to ${outdir}`);
