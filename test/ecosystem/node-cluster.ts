import { fork, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Clients } from "../support/index.js";
import { buildDist } from "../redis/node-process.js";

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "node-cluster.mjs");

/** fixtures/node-cluster.mjs running: a primary and its workers. */
export interface NodeCluster {
  /** Sticky mode: the primary's URL, in front of every worker. */
  url: string;
  /** Direct mode: each worker's own URL, by worker (1-based id order). */
  workerUrls: string[];
  /** Closes the workers, then the primary; resolves once the primary exited. */
  stop(): Promise<void>;
}

/**
 * One cluster for a test file: builds core/server (the workers import its build output, built
 * incrementally), starts the cluster before the file's tests and stops it after them; `clients`
 * are closed after each test. Returns the running cluster's accessor.
 */
export function clusterForFile(workers: number, mode: "sticky" | "direct", clients: Clients): () => NodeCluster {
  let cluster: NodeCluster | undefined;
  beforeAll(async () => {
    buildDist(["core/server"]);
    cluster = await startNodeCluster(workers, mode);
  }, 60_000);
  afterEach(() => clients.closeAll());
  afterAll(async () => {
    await clients.closeAll();
    await cluster?.stop();
  }, 20_000);
  return () => cluster!;
}

/** Forks the primary, which forks `workers` workers; resolves once every worker sees the others. */
export async function startNodeCluster(workers: number, mode: "sticky" | "direct"): Promise<NodeCluster> {
  const primary: ChildProcess = fork(FIXTURE, [String(workers), mode], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const stop = async () => {
    if (primary.exitCode !== null || primary.signalCode !== null) return;
    const exited = new Promise((resolve) => primary.once("exit", resolve));
    // A primary that does not close its workers in time is killed (its workers follow it).
    const timer = setTimeout(() => primary.kill("SIGKILL"), 10_000);
    primary.send({ cmd: "close" });
    await exited;
    clearTimeout(timer);
  };
  try {
    const ready = await new Promise<{ port?: number; ports?: number[] }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the cluster did not start within 20 s")), 20_000);
      primary.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the cluster primary exited with ${code}`));
      });
      primary.once("message", (message: { ready?: boolean; port?: number; ports?: number[] }) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
    primary.removeAllListeners("exit");
    return {
      url: ready.port ? `http://127.0.0.1:${ready.port}` : "",
      workerUrls: (ready.ports ?? []).map((port) => `http://127.0.0.1:${port}`),
      stop,
    };
  } catch (err) {
    primary.removeAllListeners("exit");
    await stop();
    throw err;
  }
}
