import { execFile } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const clientDir = join(root, "core", "client");
const bundleDir = join(clientDir, "dist", "bundle");
const FILES = ["socket.io.js", "socket.io.min.js", "socket.io.esm.min.js", "socket.io.msgpack.min.js"];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function oldestBundle(): number {
  try {
    return Math.min(...FILES.map((f) => statSync(join(bundleDir, f)).mtimeMs));
  } catch {
    return 0;
  }
}

/** Builds the browser bundle when it is missing or older than the client's sources. */
export async function ensureClientBundle(): Promise<string> {
  const sources = Math.max(newestSource(join(clientDir, "src")), newestSource(join(clientDir, "scripts")), newestSource(join(root, "core", "protocol", "src")));
  if (oldestBundle() < sources) {
    await new Promise<void>((resolve, reject) =>
      execFile(process.execPath, [join(clientDir, "scripts", "build-bundle.mjs")], (err, _out, stderr) =>
        err ? reject(new Error(`bundle build failed: ${stderr || err.message}`)) : resolve(),
      ),
    );
  }
  return bundleDir;
}
