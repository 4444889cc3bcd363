// Spawns a benchmark process (pinned to one core with taskset when it exists) and talks to it
// over IPC with request/response messages.
import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";

const TASKSET = "/usr/bin/taskset";
export const pinning = existsSync(TASKSET) && availableParallelism() >= 2;

let nextId = 1;

export function spawnChild(script, args, { core, nodeArgs = [] }) {
  // fork() through taskset: the IPC channel survives the exec, the process runs on `core` only.
  // Without a core the process is not pinned (the cluster bench runs more processes than cores).
  const child =
    pinning && core !== undefined
      ? fork(script, args, { execPath: TASKSET, execArgv: ["-c", String(core), process.execPath, ...nodeArgs], stdio: ["ignore", "inherit", "inherit", "ipc"] })
      : fork(script, args, { execArgv: nodeArgs, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const waiting = new Map();
  const typed = new Map();
  child.on("message", (msg) => {
    if (msg.id !== undefined && waiting.has(msg.id)) {
      const resolve = waiting.get(msg.id);
      waiting.delete(msg.id);
      resolve(msg);
    } else if (msg.type && typed.has(msg.type)) {
      const resolve = typed.get(msg.type);
      typed.delete(msg.type);
      resolve(msg);
    }
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return {
    child,
    /** Sends a command and resolves with its reply. */
    request(cmd, body = {}, timeoutMs = 120000) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${script} ${cmd}: no reply in ${timeoutMs} ms`)), timeoutMs);
        waiting.set(id, (msg) => {
          clearTimeout(timer);
          if (msg.error) reject(new Error(`${script} ${cmd}: ${msg.error}`));
          else resolve(msg);
        });
        child.send({ id, cmd, ...body });
      });
    },
    /** Resolves with the next unsolicited message of that type. */
    next(type, timeoutMs = 120000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${script}: no ${type} in ${timeoutMs} ms`)), timeoutMs);
        typed.set(type, (msg) => {
          clearTimeout(timer);
          resolve(msg);
        });
      });
    },
    /** Kills the process; `graceful` lets it exit on its own (so --cpu-prof writes its profile). */
    async stop(graceful = false) {
      if (graceful && child.connected) child.disconnect();
      else if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
