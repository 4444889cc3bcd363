import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

const INSTALL_HINT = "redis-server is required by the Redis adapter tests: install the Debian package redis-server (apt-get install redis-server)";

/** A real redis-server on a loopback port, for one test file. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Kills the server (SIGKILL: a crash, not a clean shutdown) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
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

function launch(port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
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
  });
}

/** Starts redis-server on a free loopback port, without persistence. */
export async function startRedis(): Promise<RedisServer> {
  assertInstalled();
  let child: ChildProcess | undefined;
  let port = 0;
  // The port can be taken between probe and start: try a few.
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(port);
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
      child = await launch(port);
    },
    stop: () => waitExit(child, "SIGTERM"),
  };
}
