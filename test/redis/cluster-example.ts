import { execFileSync, fork, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "../support/index.js";
import { freePort } from "./redis-server.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** examples/cluster as a user starts it: the primary process, its workers behind one port. */
export interface ClusterExample {
  url: string;
  port: number;
  /** SIGTERM to the primary (which stops its workers); resolves once it exited. */
  stop(): Promise<void>;
  /** Sends a signal to the primary (SIGHUP: a rolling restart of the workers). */
  signal(signal: NodeJS.Signals): void;
  /** What the primary printed so far. */
  output(): string;
}

/** Builds the example and what it imports (incremental), as its README says. */
export function buildClusterExample(): void {
  execFileSync(
    process.execPath,
    [join(root, "node_modules/typescript/bin/tsc"), "-b", "examples/chat", "adapters/redis", "adapters/redis-streams", "examples/cluster"],
    {
      cwd: root,
      stdio: "pipe",
    },
  );
}

/**
 * Starts `node examples/cluster/dist/main.js` on a free loopback port (or on `port`, to start it
 * again where it was); resolves once it listens.
 */
export async function startClusterExample(redisUrl: string, workers = 2, port?: number, env: Record<string, string> = {}): Promise<ClusterExample> {
  port ??= await freePort();
  const primary: ChildProcess = fork(join(root, "examples/cluster/dist/main.js"), [], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", WORKERS: String(workers), REDIS_URL: redisUrl, ...env },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  let out = "";
  primary.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  const stop = async () => {
    if (primary.exitCode !== null || primary.signalCode !== null) return;
    const exited = new Promise((r) => primary.once("exit", r));
    primary.kill("SIGTERM");
    await exited;
  };
  try {
    await waitFor(() => out.includes("chat cluster") || primary.exitCode !== null, 15_000, "the cluster primary");
    if (primary.exitCode !== null) throw new Error(`the cluster primary exited with ${primary.exitCode}: ${out}`);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `http://127.0.0.1:${port}`, port, stop, signal: (signal) => primary.kill(signal), output: () => out };
}
