// A redis-server of the cluster benchmark, without persistence, on a free loopback port: it can be
// killed and started again on the same port, or frozen (SIGSTOP) and let go (SIGCONT).
import { spawn } from "node:child_process";
import { createServer } from "node:net";

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function launch(port) {
  return new Promise((resolve, reject) => {
    const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const fail = (why) => reject(new Error(`redis-server on ${port}: ${why} ${output}`));
    child.once("error", (err) => fail(`${err.message} (install the Debian package redis-server)`));
    child.once("exit", (code) => fail(`exited with ${code}`));
    child.stderr.on("data", (chunk) => (output += chunk));
    const onData = (chunk) => {
      output += chunk;
      if (!output.includes("Ready to accept connections")) return;
      child.stdout.off("data", onData);
      child.stdout.resume();
      child.removeAllListeners("exit");
      resolve(child);
    };
    child.stdout.on("data", onData);
  });
}

function exit(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", resolve);
    child.kill(signal);
    if (signal !== "SIGKILL") child.kill("SIGCONT");
  });
}

export async function startRedis() {
  const port = await freePort();
  let child = await launch(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    kill: () => exit(child, "SIGKILL"),
    async start() {
      child = await launch(port);
    },
    pause: () => child.kill("SIGSTOP"),
    resume: () => child.kill("SIGCONT"),
    stop: () => exit(child, "SIGKILL"),
  };
}
