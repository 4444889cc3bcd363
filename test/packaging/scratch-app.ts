import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, "..", "..");

/** Every workspace package (their directories). */
export const PACKAGES = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { workspaces: string[] }).workspaces;

/** What the consumer app installs from the registry besides our packages: the versions the workspace has installed (so npm's cache holds them). */
const THIRD_PARTY = ["express", "fastify", "@nestjs/common", "@nestjs/core", "@nestjs/websockets", "reflect-metadata", "rxjs"];
const THIRD_PARTY_DEV = ["typescript", "@types/express"];

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; never rejects on a non-zero exit (the caller asserts on it). */
export function run(command: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<Run> {
  // The npm variables of the `npm run` that started Jest describe the workspace, not the scratch app.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_(package|lifecycle)_/i.test(name) && name !== "INIT_CWD"));
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== "number") {
        reject(new Error(`${command} ${args.join(" ")} failed to run: ${err.message}\n${stderr}`));
        return;
      }
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

async function mustRun(command: string, args: string[], cwd: string, timeoutMs?: number): Promise<Run> {
  const result = await run(command, args, cwd, timeoutMs);
  if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
}

const installedVersion = (name: string) => (JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
const pinned = (names: string[]) => Object.fromEntries(names.map((name) => [name, installedVersion(name)]));

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    skipLibCheck: false,
  },
  // Each file's format comes from its directory's package.json: esm/ is "type": "module", cjs/ is not.
  files: ["esm/main.ts", "cjs/main.ts"],
};

/** Builds the packages (incremental: nothing to do after `npm run build`), since `npm pack` takes their dist. */
export async function buildPackages(): Promise<void> {
  await mustRun(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-b", ...PACKAGES.map((p) => join(root, p))], root);
}

/** A scratch app outside the workspace, with the packed packages installed. */
export interface ScratchApp {
  dir: string;
  /** `tsc` over the ESM and the CommonJS consumer (emits next to the sources, even on errors). */
  compile(): Promise<Run>;
  /** Runs `esm/main.js` or `cjs/main.js`. */
  start(format: "esm" | "cjs"): Promise<Run>;
  remove(): void;
}

/**
 * Packs every workspace package, installs the tarballs in a new directory under the OS's temp
 * directory together with the third-party packages from the registry (npm's cache first), and
 * writes the consumer app twice: as an ES module package and as a CommonJS one.
 */
export async function createScratchApp(): Promise<ScratchApp> {
  const dir = mkdtempSync(join(tmpdir(), "switchboard-packed-"));
  try {
    const tarballs = join(dir, "tarballs");
    mkdirSync(tarballs);
    const packed = await mustRun("npm", ["pack", "--json", "--pack-destination", tarballs, ...PACKAGES.flatMap((p) => ["-w", p])], root);
    const entries = JSON.parse(packed.stdout) as Array<{ name: string; filename: string }>;
    const app = join(dir, "app");
    for (const format of ["esm", "cjs"]) mkdirSync(join(app, format), { recursive: true });
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify(
        {
          name: "switchboard-consumer",
          private: true,
          dependencies: { ...Object.fromEntries(entries.map((e) => [e.name, `file:${join(tarballs, e.filename)}`])), ...pinned(THIRD_PARTY) },
          devDependencies: pinned(THIRD_PARTY_DEV),
        },
        null,
        2,
      ),
    );
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
    writeFileSync(join(app, "esm/package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(join(app, "cjs/package.json"), JSON.stringify({ type: "commonjs" }));
    for (const format of ["esm", "cjs"]) copyFileSync(join(here, "fixtures/consumer-app.ts"), join(app, format, "main.ts"));
    await mustRun("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], app, 180_000);
    return {
      dir,
      compile: () => run(process.execPath, [join(app, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json", "--pretty", "false"], app),
      start: (format) => run(process.execPath, [join(app, format, "main.js")], app, 60_000),
      remove: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
