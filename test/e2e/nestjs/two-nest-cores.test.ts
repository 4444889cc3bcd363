import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { SwitchboardAdapter, SwitchboardAdapterError } from "@switchboard/nestjs";

// Two copies of @nestjs/core, as in a monorepo where an app has its own: the application comes
// from one, @switchboard/nestjs imports the other. Nest exits the process (silently with
// `logger: false`) when a lookup by a class of the other copy fails; the adapter must work.

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const workspaceNodeModules = join(root, "node_modules");
let dir: string;

beforeAll(() => {
  // The child process imports the built packages.
  execFileSync(process.execPath, [join(workspaceNodeModules, "typescript/bin/tsc"), "-b", join(root, "integrations/nestjs")], { cwd: root, stdio: "pipe" });
  // <dir>/node_modules is the workspace's; <dir>/app/node_modules/@nestjs/core is a copy of its own.
  dir = mkdtempSync(join(tmpdir(), "switchboard-two-nest-cores-"));
  symlinkSync(workspaceNodeModules, join(dir, "node_modules"), "dir");
  mkdirSync(join(dir, "app/node_modules/@nestjs"), { recursive: true });
  cpSync(join(workspaceNodeModules, "@nestjs/core"), join(dir, "app/node_modules/@nestjs/core"), { recursive: true });
  cpSync(join(here, "fixtures/two-nest-cores-app.mjs"), join(dir, "app/main.mjs"));
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  reports: Array<Record<string, unknown>>;
  stderr: string;
}

function runApp(): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dir, "app/main.mjs"), workspaceNodeModules], { cwd: join(dir, "app"), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the app did not exit within 20 s; stdout: ${stdout}; stderr: ${stderr}`));
    }, 20_000);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const reports = stdout
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ code, signal, reports, stderr });
    });
  });
}

describe("two copies of @nestjs/core", () => {
  it("serves gateways of an application from the other copy", async () => {
    const run = await runApp();
    // Before the fix: exit code 1 and nothing after the first report (Nest exits from the adapter's constructor).
    expect({ code: run.code, signal: run.signal, reports: run.reports, stderr: run.code === 0 ? "" : run.stderr }).toEqual({
      code: 0,
      signal: null,
      reports: [{ twoCopies: true }, { answer: { echoed: { n: 1 } } }],
      stderr: "",
    });
  }, 30_000);

  it("refuses, with a clear error, an application context it cannot read the modules of", () => {
    // Neither an application of the copy the adapter imports nor one exposing its container.
    const foreign = { get: () => undefined, close: async () => {} };
    let thrown: unknown;
    try {
      new SwitchboardAdapter(foreign);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SwitchboardAdapterError);
    expect((thrown as SwitchboardAdapterError).code).toBe("NEST_CORE_MISMATCH");
    expect((thrown as Error).message).toMatch(/two copies of @nestjs\/core/i);
  });
});
