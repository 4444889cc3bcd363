// The cluster primary of the scale benchmark, in its own process:
// `node bench/scale/primary.mjs <stack> <redis url> <workers>`. It forks the workers, runs the
// stack's sticky router on one loopback port (Switchboard's `setupPrimary`, or @socket.io/sticky's
// `setupMaster` in round-robin, the same policy), reports that port, then relays the
// orchestrator's commands to the workers and answers with their replies.
import cluster from "node:cluster";
import { createServer } from "node:http";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { answerParent } from "../lib/answer-parent.mjs";

const [stack, redisUrl, workersArg] = process.argv.slice(2);
const workers = Number(workersArg);

cluster.setupPrimary({
  exec: fileURLToPath(new URL("./worker.mjs", import.meta.url)),
  args: [stack, redisUrl],
  execArgv: ["--expose-gc"],
  // @socket.io/sticky passes Buffers over IPC; both stacks run with the same serialization.
  serialization: "advanced",
});

const ready = [];
const waiting = new Map();
let nextId = 1;
cluster.on("message", (worker, msg) => {
  if (msg?.bench === "ready") ready.push({ worker: worker.id, memory: msg.memory });
  else if (msg?.bench === "reply" && waiting.has(msg.id)) {
    waiting.get(msg.id)(msg);
    waiting.delete(msg.id);
  }
});
cluster.on("exit", (worker, code, signal) => console.error(`[scale primary ${stack}] worker ${worker.id} exited (${code ?? signal})`));
for (let i = 0; i < workers; i++) cluster.fork();
while (ready.length < workers) await new Promise((resolve) => setTimeout(resolve, 50));

let port;
if (stack === "switchboard") {
  const { setupPrimary } = await import("@switchboard/redis-adapter");
  const server = setupPrimary({ port: 0, host: "127.0.0.1" });
  await once(server, "listening");
  port = server.address().port;
} else if (stack === "socketio") {
  const { setupMaster } = await import("@socket.io/sticky");
  const httpServer = createServer();
  setupMaster(httpServer, { loadBalancingMethod: "round-robin" });
  httpServer.listen(0, "127.0.0.1");
  await once(httpServer, "listening");
  port = httpServer.address().port;
} else {
  throw new Error(`unknown stack ${stack}`);
}

/** Sends a command to some workers (all by default) and resolves with their replies in order. */
function ask(cmd, body, only) {
  const targets = Object.values(cluster.workers).filter((w, i) => only === undefined || i === only);
  return Promise.all(
    targets.map(
      (w) =>
        new Promise((resolve, reject) => {
          const id = nextId++;
          waiting.set(id, (msg) => (msg.error ? reject(new Error(msg.error)) : resolve({ worker: w.id, ...msg.result })));
          w.send({ bench: "cmd", id, cmd, ...body });
        }),
    ),
  );
}

const handlers = {
  baseline: () => ready,
  memory: () => ask("memory"),
  stamp: () => ask("stamp", {}, 0),
  primaryMemory: () => ({ ...process.memoryUsage(), cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000 }),
};

answerParent(handlers);
process.on("disconnect", () => {
  for (const w of Object.values(cluster.workers)) w.process.kill("SIGKILL");
  process.exit(0);
});
process.send({ type: "listening", port });
