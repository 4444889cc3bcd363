// Builds the browser bundles served at /socket.io/socket.io.js (IIFE, global `io`), .min.js and
// .esm.min.js. Node transports are swapped for the browser ones: no Node built-in may remain.
import { build } from "esbuild";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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

await Promise.all([
  build({ ...iife, outfile: join(outdir, "socket.io.js") }),
  build({ ...iife, minify: true, outfile: join(outdir, "socket.io.min.js") }),
  build({ ...common, entryPoints: [join(root, "src", "index.ts")], format: "esm", minify: true, outfile: join(outdir, "socket.io.esm.min.js") }),
]);

for (const file of ["socket.io.js", "socket.io.min.js", "socket.io.esm.min.js"]) {
  const code = await readFile(join(outdir, file), "utf8");
  const leak = /\brequire\(["'](?:node:|ws["'])|from ["']node:/.exec(code);
  if (leak) throw new Error(`${file} pulls a Node module into the browser bundle: ${leak[0]}`);
}
console.log(`browser bundles written to ${outdir}`);
