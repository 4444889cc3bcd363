import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const INSTALL_HINT = "redis-server is required by the Redis adapter tests: install the Debian package redis-server (apt-get install redis-server)";

/** A real redis-server on a loopback port, for one test file. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Kills the server (SIGKILL: a crash, not a clean shutdown) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
  /** Freezes the process (SIGSTOP): its connections stay open and unanswered until `resume()`. */
  pause(): void;
  /** Lets a paused server run again (SIGCONT). */
  resume(): void;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** `"aof"`: `appendonly yes` in a temporary directory, so data survives a restart. Default: none. */
  persistence?: "none" | "aof";
}

/** A port the kernel just gave out and released; redis-server does not accept `--port 0`. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function assertInstalled(): void {
  const probe = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) throw new Error(`${INSTALL_HINT} (${probe.error?.message ?? probe.stderr})`);
}

function launch(port: number, dir?: string): Promise<ChildProcess> {
  const persistence = dir ? ["--appendonly", "yes", "--dir", dir] : ["--appendonly", "no"];
  return launchRedisServer(port, ["--save", "", ...persistence]);
}

/** Starts redis-server on a loopback port with more arguments; resolves once it accepts connections. */
export function launchRedisServer(port: number, args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--protected-mode", "no", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`redis-server did not start on port ${port}: ${output}`));
    }, 10_000);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`${INSTALL_HINT}: ${err.message}`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${output}`));
    });
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.removeAllListeners("exit");
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  });
}

function waitExit(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
    // A paused server would keep a SIGTERM pending forever.
    if (signal !== "SIGKILL") child.kill("SIGCONT");
  });
}

/** Starts redis-server on a free loopback port, without persistence unless asked. */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  assertInstalled();
  const dir = options.persistence === "aof" ? mkdtempSync(join(tmpdir(), "switchboard-redis-")) : undefined;
  let child: ChildProcess | undefined;
  let port = 0;
  // The port can be taken between probe and start: try a few.
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(port, dir);
    } catch (err) {
      if (attempt === 4) throw err;
    }
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: () => waitExit(child, "SIGKILL"),
    restart: async () => {
      await waitExit(child, "SIGKILL");
      child = await launch(port, dir);
    },
    pause: () => void child?.kill("SIGSTOP"),
    resume: () => void child?.kill("SIGCONT"),
    stop: async () => {
      await waitExit(child, "SIGTERM");
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
