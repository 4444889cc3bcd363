// `node bench/instructions.mjs [--runs N] [--servers a,b] [--only echo-1,echo-50,broadcast-paced-500]`:
// the server's instructions per request or per delivered message, counted by valgrind's callgrind
// (instructions retired by the server process, all threads). Unlike CPU time, the count does not
// move with the load of a shared machine, so it tells small differences apart where `npm run bench`
// cannot. The server runs under callgrind (some 50x slower), the load generator runs as usual; the
// counters are zeroed after a warm-up and dumped after the measured phase. Needs valgrind.
import { execFileSync, fork } from "node:child_process";
import { readFileSync, rmSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { spawnChild } from "./lib/child.mjs";
import { median } from "./lib/stats.mjs";

const argv = process.argv.slice(2);
const argOf = (name) => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
};
const runs = Number(argOf("--runs") ?? 3);
const baseline = process.env.BENCH_BASELINE ? ["baseline"] : [];
const servers = (argOf("--servers") ?? ["switchboard", ...baseline, "socketio", "ws-frame"].join(",")).split(",");
const only = argOf("--only")?.split(",");
const SERVER = fileURLToPath(new URL("./server.mjs", import.meta.url));
const LOADGEN = fileURLToPath(new URL("./loadgen.mjs", import.meta.url));
const BODY = "the quick brown fox jumps over the lazy dog";

/** The server under callgrind, with the IPC channel of `fork` (valgrind runs node in its own process). */
function spawnUnderCallgrind(kind, outFile) {
  const child = fork(SERVER, [kind], {
    execPath: "valgrind",
    execArgv: ["--tool=callgrind", "--smc-check=all-non-file", `--callgrind-out-file=${outFile}`, "--quiet", process.execPath, "--expose-gc"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let nextId = 1;
  const waiting = new Map();
  const typed = new Map();
  child.on("message", (msg) => {
    if (msg.id !== undefined && waiting.has(msg.id)) {
      waiting.get(msg.id)(msg);
      waiting.delete(msg.id);
    } else if (msg.type && typed.has(msg.type)) {
      typed.get(msg.type)(msg);
      typed.delete(msg.type);
    }
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return {
    pid: child.pid,
    request: (cmd, body = {}) =>
      new Promise((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve);
        child.send({ id, cmd, ...body });
      }),
    next: (type) => new Promise((resolve) => typed.set(type, resolve)),
    async stop() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** Zeroes callgrind's counters, runs `fn`, dumps them and returns the instructions counted meanwhile. */
async function counted(pid, outFile, fn) {
  execFileSync("callgrind_control", ["-z", String(pid)], { stdio: "ignore" });
  const result = await fn();
  execFileSync("callgrind_control", ["-d", String(pid)], { stdio: "ignore" });
  // The dump is numbered <outFile>.1 (only one is taken per process).
  const text = readFileSync(`${outFile}.1`, "utf8");
  const totals = /^(?:summary|totals):\s*(\d+)/m.exec(text);
  if (!totals) throw new Error("no totals in the callgrind dump");
  return { instructions: Number(totals[1]), result };
}

const SCENARIOS = {
  async "echo-50"(server, loadgen, port, outFile) {
    await loadgen.request("connect", { port, n: 50, concurrency: 50 });
    // Warm-up long enough for V8 to optimize the hot path (under valgrind it runs ~50x slower).
    await loadgen.request("echo", { concurrency: 50, durationMs: 10000, body: BODY });
    const { instructions, result } = await counted(server.pid, outFile, () => loadgen.request("echo", { concurrency: 50, durationMs: 5000, body: BODY }));
    return { kInstrPerReq: instructions / result.requests / 1000, requests: result.requests };
  },
  // One request in flight: every request costs the server one read, one turn and one write, so
  // the count per request does not depend on how requests happen to bunch up (echo-50's does).
  async "echo-1"(server, loadgen, port, outFile) {
    await loadgen.request("connect", { port, n: 1, concurrency: 1 });
    await loadgen.request("echo", { concurrency: 1, durationMs: 10000, body: BODY });
    const { instructions, result } = await counted(server.pid, outFile, () => loadgen.request("echo", { concurrency: 1, durationMs: 5000, body: BODY }));
    return { kInstrPerReq: instructions / result.requests / 1000, requests: result.requests };
  },
  async "broadcast-paced-500"(server, loadgen, port, outFile) {
    await loadgen.request("connect", { port, n: 500, concurrency: 100 });
    const once = async (count) => {
      const delivered = loadgen.next("delivered");
      await loadgen.request("expect", { total: 500 * count, timeoutMs: 600000 });
      await server.request("broadcast", { count, mode: "paced", body: BODY });
      const d = await delivered;
      if (d.received !== 500 * count) throw new Error(`only ${d.received} of ${500 * count} delivered`);
    };
    await once(50); // warm-up
    const { instructions } = await counted(server.pid, outFile, () => once(100));
    return { kInstrPerMsg: instructions / (500 * 100) / 1000 };
  },
  async "broadcast-burst-500"(server, loadgen, port, outFile) {
    await loadgen.request("connect", { port, n: 500, concurrency: 100 });
    const once = async (count) => {
      const delivered = loadgen.next("delivered");
      await loadgen.request("expect", { total: 500 * count, timeoutMs: 600000 });
      await server.request("broadcast", { count, mode: "burst", body: BODY });
      await delivered;
    };
    // Five warm-up bursts: one turn each, so one would leave V8 still compiling the write path
    // (the count then depends on what ran before, e.g. whether the connections' first packets
    // went through the same code).
    for (let i = 0; i < 5; i++) await once(50);
    const { instructions } = await counted(server.pid, outFile, () => once(100));
    return { kInstrPerMsg: instructions / (500 * 100) / 1000 };
  },
};

const loadgenOf = () => spawnChild(LOADGEN, [], { core: 1, nodeArgs: ["--max-old-space-size=2048"] });
const raw = {};
const scenarioNames = Object.keys(SCENARIOS).filter((s) => !only || only.includes(s));
for (let run = 0; run < runs; run++) {
  for (const name of scenarioNames) {
    const order = servers.map((_, i) => servers[(i + run) % servers.length]);
    for (const kind of order) {
      const dir = mkdtempSync(join(tmpdir(), "sb-callgrind-"));
      const outFile = join(dir, "callgrind.out");
      const server = spawnUnderCallgrind(kind, outFile);
      const loadgen = loadgenOf();
      try {
        const { port } = await server.next("listening");
        await sleep(200);
        const figures = await SCENARIOS[name](server, loadgen, port, outFile);
        ((raw[name] ??= {})[kind] ??= []).push(figures);
        console.log(`run ${run + 1}/${runs} ${name.padEnd(20)} ${kind.padEnd(12)} ${JSON.stringify(figures)}`);
      } finally {
        await Promise.all([server.stop(), loadgen.stop()]);
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
}
console.log("\nmedians (thousands of server instructions):");
for (const [name, byServer] of Object.entries(raw)) {
  const cells = Object.entries(byServer).map(([kind, list]) => {
    const key = Object.keys(list[0])[0];
    return `${kind} ${median(list.map((f) => f[key])).toFixed(1)}`;
  });
  console.log(`  ${name}: ${cells.join(", ")}`);
}
