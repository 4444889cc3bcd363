import { execFileSync, fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join, resolve as resolvePath } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");

/** Builds the adapter and core (incremental) so that child processes can import `dist`. */
export function buildDist(packages: string[] = ["adapters/redis"]): void {
  execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-b", ...packages.map((dir) => join(root, dir))], {
    cwd: root,
    stdio: "pipe",
  });
}

/** A server node in a child process, driven over IPC. */
export interface NodeProcess {
  name: string;
  url: string;
  child: ChildProcess;
  call<T = unknown>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

/** `script` is a file of test/redis/fixtures or an absolute path; `extraArgs` follow the Redis URL and the name. */
export async function forkNode(script: string, redisUrl: string, name: string, extraArgs: string[] = []): Promise<NodeProcess> {
  const child = fork(resolvePath(here, "fixtures", script), [redisUrl, name, ...extraArgs], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node ${name} did not start`)), 15_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`node ${name} exited with ${code}`));
    });
    child.on("message", (msg: { ready?: boolean; port?: number; id?: number; result?: unknown; error?: string }) => {
      if (msg.ready) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        return resolve(msg.port!);
      }
      const entry = pending.get(msg.id!);
      if (!entry) return;
      pending.delete(msg.id!);
      if (msg.error !== undefined) entry.reject(new Error(msg.error));
      else entry.resolve(msg.result);
    });
  });
  child.on("exit", () => {
    for (const entry of pending.values()) entry.reject(new Error(`node ${name} exited`));
    pending.clear();
  });
  const call = <T>(cmd: string, args: Record<string, unknown> = {}) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, cmd, args });
    });
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    call,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      // A node that does not answer (hung, SIGSTOP) is killed; its exit rejects the pending call.
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await call("close").catch(() => child.kill("SIGKILL"));
      await exited;
      clearTimeout(timer);
    },
  };
}
