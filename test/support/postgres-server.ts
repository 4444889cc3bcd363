import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../redis/redis-server.js";

/** A throwaway PostgreSQL cluster on a loopback port, for one test file. */
export interface PostgresServer {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication on loopback). */
  readonly url: string;
  /**
   * Smart shutdown (SIGTERM: the server waits for its clients to finish closing), fast shutdown
   * (SIGINT) if some are still connected 5 s later; then removes the data directory.
   */
  stop(): Promise<void>;
}

const WHERE = process.env.CI === "true" ? "CI image" : "machine";
const INSTALL_HINT =
  `PostgreSQL is required by the @socket.io/postgres-adapter tests: install Debian's package \`postgresql\` on this ${WHERE} ` +
  "(apt-get install postgresql; .ci/run installs it when missing)";

/**
 * The directory of `initdb` and `postgres`: Debian keeps them in /usr/lib/postgresql/<major>/bin,
 * off the PATH; the newest major wins. Never a silent skip: without them this throws.
 */
export function postgresBinDir(): string {
  const base = "/usr/lib/postgresql";
  const majors = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, "bin", "initdb")) && existsSync(join(base, v, "bin", "postgres")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length > 0) return join(base, majors[0], "bin");
  const which = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" });
  const initdb = which.status === 0 ? which.stdout.trim() : "";
  if (initdb) return join(initdb, "..");
  throw new Error(`${INSTALL_HINT}: no initdb under ${base}/*/bin nor on the PATH`);
}

/** initdb and postgres refuse to run as root: as root, they run as Debian's `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (!line) throw new Error(`${INSTALL_HINT}: running as root, and there is no \`postgres\` user to run initdb as`);
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

function launch(bin: string, dataDir: string, port: number, user: SpawnOptions): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    // fsync off and a socket directory of our own: a throwaway cluster, nothing of the machine's.
    const args = ["-D", dataDir, "-p", String(port), "-k", dataDir, "-c", "listen_addresses=127.0.0.1", "-F"];
    const child = spawn(join(bin, "postgres"), args, { ...user, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`postgres did not start on port ${port}: ${output}`));
    }, 20_000);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`${INSTALL_HINT}: ${err.message}`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`postgres exited with ${code}: ${output}`));
    });
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("ready to accept connections")) {
        clearTimeout(timer);
        child.stderr?.off("data", onData);
        child.removeAllListeners("exit");
        // Keep draining its log so a full pipe never blocks the server.
        child.stderr?.resume();
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stderr?.on("data", onData);
    child.stdout?.on("data", onData);
  });
}

/** initdb on a temporary directory, then `postgres` on a free loopback port; resolves once it accepts connections. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const owner = runAs();
  const root = mkdtempSync(join(tmpdir(), "switchboard-pg-"));
  const dataDir = join(root, "data");
  if (owner) chownSync(root, owner.uid, owner.gid);
  const user: SpawnOptions = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const init = spawnSync(join(bin, "initdb"), ["-D", dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"], {
    ...user,
    encoding: "utf8",
    env: { ...process.env, LC_ALL: "C" },
  });
  if (init.error || init.status !== 0) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.error?.message ?? `status ${init.status}`}): ${init.stderr}`);
  }
  let child: ChildProcess | undefined;
  let port = 0;
  // The port can be taken between probe and start: try a few.
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(bin, dataDir, port, user);
    } catch (err) {
      if (attempt === 4) {
        rmSync(root, { recursive: true, force: true });
        throw err;
      }
    }
  }
  const server = child!;
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise((resolve) => server.once("exit", resolve));
        // A fast shutdown sends "terminating connection" to connections still closing (a pool's
        // idle clients just ended): an error on their side. Smart lets them go first.
        server.kill("SIGTERM");
        const fast = setTimeout(() => server.kill("SIGINT"), 5000);
        await exited;
        clearTimeout(fast);
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
