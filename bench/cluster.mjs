// `npm run bench:cluster [-- --runs N] [--clients N] [--rolling-clients N] [--faults kill,...] [--stacks switchboard,...]`:
// three nodes on one redis-server, a numbered room broadcast, then each fault (kill -9 of a node,
// Redis restarted, Redis paused, a rolling restart of the three nodes: bench/cluster/rolling.mjs) on every stack, interleaved (each run visits the stacks in a
// rotated order, a fresh cluster each time); prints the table of medians and writes
// bench/results/cluster-latest.json and cluster-latest.md (partial runs: partial.cluster.*).
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { median } from "./lib/stats.mjs";
import { machineInfo } from "./lib/run-summary.mjs";
import { EVERY_MS, NODE_OPTIONS, runFault } from "./cluster/scenario.mjs";
import { runRolling } from "./cluster/rolling.mjs";
import { renderClusterHeader, renderClusterTable } from "./cluster/report.mjs";

const argv = process.argv.slice(2);
const argOf = (name) => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
};
export const STACKS = ["switchboard", "socketio-streams", "socketio-pubsub"];
export const FAULTS = ["kill", "redis-restart", "redis-pause", "rolling"];
const runs = Number(argOf("--runs") ?? 3);
const clients = Number(argOf("--clients") ?? 300);
const rollingClients = Number(argOf("--rolling-clients") ?? 1500);
const stacks = argOf("--stacks")?.split(",") ?? STACKS;
const faults = argOf("--faults")?.split(",") ?? FAULTS;

const started = Date.now();
const loadavgAtStart = loadavg().map((x) => +x.toFixed(2));
const raw = {}; // raw[fault][stack] = [figures of each run]
console.log(`switchboard cluster bench: ${runs} run(s), ${clients} clients, stacks ${stacks.join(", ")}, faults ${faults.join(", ")}`);
for (let run = 0; run < runs; run++) {
  for (const fault of faults) {
    const order = stacks.map((_, i) => stacks[(i + run) % stacks.length]);
    for (const stack of order) {
      const t = Date.now();
      let figures;
      try {
        figures = fault === "rolling" ? await runRolling(stack, rollingClients) : await runFault(stack, fault, clients);
      } catch (err) {
        console.error(`  ${fault} ${stack}: FAILED ${err.message}`);
        figures = { error: err.message };
      }
      ((raw[fault] ??= {})[stack] ??= []).push(figures);
      const { requests, trace, ...numbers } = figures;
      const shown = Object.entries(numbers)
        .map(([k, v]) => `${k}=${typeof v === "number" ? +v.toPrecision(4) : v}`)
        .join(" ");
      const asked = Object.entries(requests ?? {})
        .map(([k, v]) => `${k}:${v.outcome}/${Math.round(v.ms)}ms`)
        .join(" ");
      console.log(`  run ${run + 1}/${runs} ${fault.padEnd(14)} ${stack.padEnd(17)} ${shown} ${asked} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
      if (trace && stack === "switchboard") console.log(`    trace: ${JSON.stringify(trace)}`);
    }
  }
}

const results = {};
for (const fault of faults) {
  const byStack = {};
  for (const [stack, list] of Object.entries(raw[fault] ?? {})) {
    const ok = list.filter((f) => !f.error);
    const keys = new Set(ok.flatMap((f) => Object.keys(f).filter((k) => typeof f[k] === "number")));
    const med = ok.length === 0 ? undefined : Object.fromEntries([...keys].map((k) => [k, median(ok.map((f) => f[k]))]));
    byStack[stack] = { median: med, runs: list };
  }
  results[fault] = { stacks: byStack };
}

const out = {
  date: new Date().toISOString(),
  runs,
  clients,
  rollingClients,
  everyMs: EVERY_MS,
  nodeOptions: NODE_OPTIONS,
  stacks,
  durationSec: Math.round((Date.now() - started) / 1000),
  machine: machineInfo(loadavgAtStart),
  results,
};
const complete = runs >= 3 && clients >= 300 && stacks.length === STACKS.length && faults.length === FAULTS.length;
// Partial runs go beside the published figures, under a name .gitignore already leaves out.
const name = complete ? "cluster-latest" : "partial.cluster";
const dir = fileURLToPath(new URL("./results/", import.meta.url));
mkdirSync(dir, { recursive: true });
const table = `${renderClusterHeader(out)}\n\n${renderClusterTable(out)}\n`;
writeFileSync(`${dir}${name}.json`, JSON.stringify(out, null, 2) + "\n");
writeFileSync(`${dir}${name}.md`, table);
console.log("\n" + table);
console.log(`wrote bench/results/${name}.json and ${name}.md (${out.durationSec} s)`);
