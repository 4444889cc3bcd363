import { execFile, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { eventually } from "../support/index.js";
import { freePort, launchRedisServer } from "./redis-server.js";

const run = promisify(execFile);

const INSTALL_HINT = "redis-server and redis-cli (7.0 or later) are required by the Redis Cluster tests: install the Debian package redis-server";

/** One redis-server process of the cluster. */
export interface ClusterServer {
  readonly port: number;
  readonly url: string;
}

/** A real Redis Cluster on loopback ports, for one test file. */
export interface RedisCluster {
  readonly servers: readonly ClusterServer[];
  /** `{ host, port }` of every server, as cluster clients take their seed nodes. */
  readonly seeds: Array<{ host: string; port: number }>;
  /** Runs one command on one server with redis-cli; resolves with its output. */
  cli(port: number, ...args: string[]): Promise<string>;
  /** The server serving `channel`'s slot as master. */
  masterOf(channel: string): Promise<ClusterServer>;
  /** Shard channels with subscribers on one server (PUBSUB SHARDCHANNELS). */
  shardChannels(port: number, pattern?: string): Promise<string[]>;
  /** How many connections listen to a shard channel, over the whole cluster (PUBSUB SHARDNUMSUB). */
  shardNumSub(channel: string): Promise<number>;
  /**
   * Promotes the replica of the master serving `channel` (CLUSTER FAILOVER on the replica) and
   * resolves once every server agrees and the cluster is ok; resolves with the new master.
   */
  failover(channel: string): Promise<ClusterServer>;
  /**
   * Kills the master serving `channel` (SIGKILL: a crash) and resolves once its replica took
   * over and the other servers say the cluster is ok; resolves with both.
   */
  crashMasterOf(channel: string): Promise<{ crashed: ClusterServer; promoted: ClusterServer }>;
  /** Starts a killed server again (it rejoins as a replica) and waits until it is in sync. */
  restart(server: ClusterServer): Promise<void>;
  /**
   * Makes the master serving `channel` drop the shard channels of the channel's slot, as a failover
   * does (each subscriber gets an unrequested SUNSUBSCRIBE), while the slot stays where it was:
   * what a client sees when its reload of the slot map still shows the owner from before a
   * failover. CLUSTER DELSLOTS and ADDSLOTS in one transaction.
   */
  dropShardChannels(channel: string): Promise<void>;
  /** Kills every server (also after a failed test) and removes their files. */
  stop(): Promise<void>;
}

export interface RedisClusterOptions {
  /** Replicas per master (default 0: three masters; 1: three masters and three replicas). */
  replicas?: 0 | 1;
}

interface ClusterNodeLine {
  id: string;
  port: number;
  flags: string[];
  masterId: string;
  slots: Array<[number, number]>;
}

function assertInstalled(): void {
  for (const bin of ["redis-server", "redis-cli"]) {
    const probe = spawnSync(bin, ["--version"], { encoding: "utf8" });
    if (probe.error || probe.status !== 0) throw new Error(`${INSTALL_HINT} (${bin}: ${probe.error?.message ?? probe.stderr})`);
  }
}

/** Whether a loopback port can be listened on now. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** A free port whose cluster bus port (port + 10000, as redis-server derives it) is free too. */
async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10000 <= 65535 && (await portIsFree(port + 10000))) return port;
  }
}

function launch(port: number, dir: string): Promise<ChildProcess> {
  return launchRedisServer(port, [
    "--cluster-enabled",
    "yes",
    "--cluster-config-file",
    join(dir, `nodes-${port}.conf`),
    // Short, so a killed master is failed over quickly, and a restarted one is in sync at once.
    "--cluster-node-timeout",
    "1000",
    "--repl-diskless-sync-delay",
    "0",
    "--dir",
    dir,
    "--save",
    "",
    "--appendonly",
    "no",
  ]);
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

function parseNodes(text: string): ClusterNodeLine[] {
  return text
    .split("\n")
    .filter((line) => line.trim().length > 0)
    .map((line) => {
      const [id, address, flags, masterId, , , , , ...slots] = line.trim().split(" ");
      return {
        id,
        port: Number(address.split("@")[0].split(":")[1]),
        flags: flags.split(","),
        masterId,
        slots: slots
          .filter((s) => !s.startsWith("["))
          .map((s) => {
            const [from, to] = s.split("-").map(Number);
            return [from, to ?? from] as [number, number];
          }),
      };
    });
}

/**
 * Starts `3 * (1 + replicas)` redis-server processes in cluster mode on free loopback ports, joins
 * them with `redis-cli --cluster create`, and resolves once every server says `cluster_state:ok`
 * (and every replica is in sync). Kills what it started if any step fails.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  assertInstalled();
  const replicas = options.replicas ?? 0;
  const dir = mkdtempSync(join(tmpdir(), "switchboard-redis-cluster-"));
  const children = new Map<number, ChildProcess>();
  const servers: ClusterServer[] = [];
  const cli = async (port: number, ...args: string[]): Promise<string> =>
    (await run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args], { timeout: 10_000 })).stdout;
  const stop = async (): Promise<void> => {
    await Promise.all([...children.values()].map(kill));
    rmSync(dir, { recursive: true, force: true });
  };
  const nodes = async (port: number): Promise<ClusterNodeLine[]> => parseNodes(await cli(port, "CLUSTER", "NODES"));
  const byPort = (port: number): ClusterServer => servers.find((s) => s.port === port)!;
  const alive = (): ClusterServer[] => servers.filter((s) => children.get(s.port)?.exitCode === null && children.get(s.port)?.signalCode === null);
  const allOk = async (): Promise<boolean> => {
    for (const { port } of alive()) if (!(await cli(port, "CLUSTER", "INFO")).includes("cluster_state:ok")) return false;
    return true;
  };
  const inSync = async (): Promise<boolean> => {
    for (const { port } of alive()) {
      const info = await cli(port, "INFO", "replication");
      if (info.includes("role:slave") && !info.includes("master_link_status:up")) return false;
    }
    return true;
  };
  /** Who serves whom among the living servers, as `server` sees it. */
  const layout = async (server: ClusterServer, living: Set<number>): Promise<string> => {
    const view = await nodes(server.port);
    const portOf = new Map(view.map((n) => [n.id, n.port]));
    return view
      .filter((n) => living.has(n.port))
      .map((n) => `${n.port}:${n.flags.includes("master") ? "master" : `of ${portOf.get(n.masterId)}`}`)
      .sort()
      .join(" ");
  };
  /** Waits until every living server sees `port` as a master, all agree on who serves whom, and the cluster is ok. */
  const promoted = (port: number): Promise<void> =>
    eventually(
      async () => {
        const living = new Set(alive().map((s) => s.port));
        const views = await Promise.all(alive().map((s) => layout(s, living)));
        if (!views[0].includes(`${port}:master`) || views.some((v) => v !== views[0])) return false;
        return allOk();
      },
      20_000,
      `the replica on port ${port} promoted everywhere`,
    );
  /** The master's healthy replica, as the master sees it (a restarted one loses its `fail` flag a little after it rejoins). */
  const replicaOf = async (master: ClusterServer): Promise<ClusterServer> => {
    let port: number | undefined;
    await eventually(
      async () => {
        const view = await nodes(master.port);
        const masterId = view.find((n) => n.port === master.port)!.id;
        port = view.find((n) => n.masterId === masterId && !n.flags.includes("fail"))?.port;
        return port !== undefined;
      },
      10_000,
      `a healthy replica of the master on port ${master.port} (start the cluster with { replicas: 1 })`,
    );
    return byPort(port!);
  };

  try {
    for (let i = 0; i < 3 * (1 + replicas); i++) {
      // The port can be taken between probe and start: try a few.
      for (let attempt = 0; ; attempt++) {
        const port = await freeClusterPort();
        try {
          children.set(port, await launch(port, dir));
          servers.push({ port, url: `redis://127.0.0.1:${port}` });
          break;
        } catch (err) {
          if (attempt === 4) throw err;
        }
      }
    }
    await run("redis-cli", ["--cluster", "create", ...servers.map((s) => `127.0.0.1:${s.port}`), "--cluster-replicas", String(replicas), "--cluster-yes"], {
      timeout: 30_000,
    });
    await eventually(allOk, 20_000, "cluster_state:ok on every server");
    if (replicas > 0) await eventually(inSync, 20_000, "replicas in sync");
  } catch (err) {
    await stop();
    throw err;
  }

  const masterOf = async (channel: string): Promise<ClusterServer> => {
    const slot = Number((await cli(servers[0].port, "CLUSTER", "KEYSLOT", channel)).trim());
    const owner = (await nodes(servers[0].port)).find((n) => n.flags.includes("master") && n.slots.some(([from, to]) => slot >= from && slot <= to));
    if (!owner) throw new Error(`no master serves slot ${slot}`);
    return byPort(owner.port);
  };

  return {
    servers,
    seeds: servers.map((s) => ({ host: "127.0.0.1", port: s.port })),
    cli,
    masterOf,
    async shardChannels(port, pattern = "*") {
      return (await cli(port, "PUBSUB", "SHARDCHANNELS", pattern))
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line.length > 0);
    },
    async shardNumSub(channel) {
      const counts = await Promise.all(servers.map((s) => cli(s.port, "PUBSUB", "SHARDNUMSUB", channel)));
      return counts.reduce((sum, out) => sum + Number(out.trim().split("\n")[1] ?? 0), 0);
    },
    async failover(channel) {
      const replica = await replicaOf(await masterOf(channel));
      await cli(replica.port, "CLUSTER", "FAILOVER");
      await promoted(replica.port);
      return replica;
    },
    async crashMasterOf(channel) {
      const crashed = await masterOf(channel);
      const replica = await replicaOf(crashed);
      await kill(children.get(crashed.port)!);
      await promoted(replica.port);
      return { crashed, promoted: replica };
    },
    async dropShardChannels(channel) {
      const slot = (await cli(servers[0].port, "CLUSTER", "KEYSLOT", channel)).trim();
      const { port } = await masterOf(channel);
      const out = await new Promise<string>((resolve, reject) => {
        const child = execFile("redis-cli", ["-h", "127.0.0.1", "-p", String(port)], { timeout: 10_000 }, (err: Error | null, stdout: string) => {
          if (err) reject(err);
          else resolve(stdout);
        });
        child.stdin!.end(`MULTI\nCLUSTER DELSLOTS ${slot}\nCLUSTER ADDSLOTS ${slot}\nEXEC\n`);
      });
      if (!/OK\s+OK\s*$/.test(out)) throw new Error(`CLUSTER DELSLOTS and ADDSLOTS ${slot} on port ${port}: ${out}`);
    },
    async restart(server) {
      children.set(server.port, await launch(server.port, dir));
      await eventually(async () => (await allOk()) && (await inSync()), 20_000, `port ${server.port} back in the cluster`);
    },
    stop,
  };
}

/**
 * Starts a Redis Cluster before the tests of the file that calls it and stops it after them;
 * returns a getter for it.
 */
export function useRedisCluster(options: RedisClusterOptions = {}, startTimeout = 40_000): () => RedisCluster {
  let cluster: RedisCluster | undefined;
  beforeAll(async () => {
    cluster = await startRedisCluster(options);
  }, startTimeout);
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => {
    if (!cluster) throw new Error("the Redis Cluster did not start (see beforeAll)");
    return cluster;
  };
}
