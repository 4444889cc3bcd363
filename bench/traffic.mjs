// `npm run bench:traffic [-- --runs N] [--nodes 8] [--rooms 2000] [--per-room 2] [--ticks 10]
// [--tick-ms 1000] [--stacks switchboard-classic,...]`: Redis traffic per node. `nodes` node
// processes on one standalone redis-server (7.x, which has sharded pub/sub), `rooms` rooms owned
// round-robin by the nodes, each with `per-room` WebSocket members on one or two nodes; every tick
// each node emits one broadcast to each room it owns. Per node: bytes and pub/sub messages read
// from Redis, CPU per delivered message. Runs are interleaved (each run visits the stacks in a
// rotated order, a fresh cluster each time); figures are medians over runs of the per-node median.
// Writes bench/results/traffic-latest.json and .md (other sizes or subsets: partial.traffic.*).
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { machineInfo, mediansByStack, showFigures } from "./lib/run-summary.mjs";
import { runTraffic } from "./traffic/scenario.mjs";
import { renderTrafficTable } from "./traffic/report.mjs";

const argv = process.argv.slice(2);
const argOf = (name) => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
};
export const STACKS = ["switchboard-classic", "switchboard-static", "switchboard-dynamic", "socketio-classic", "socketio-static", "socketio-dynamic"];
const DEFAULTS = { runs: 3, nodes: 8, rooms: 2000, perRoom: 2, ticks: 10, tickMs: 1000 };
const o = {
  runs: Number(argOf("--runs") ?? DEFAULTS.runs),
  nodes: Number(argOf("--nodes") ?? DEFAULTS.nodes),
  rooms: Number(argOf("--rooms") ?? DEFAULTS.rooms),
  perRoom: Number(argOf("--per-room") ?? DEFAULTS.perRoom),
  ticks: Number(argOf("--ticks") ?? DEFAULTS.ticks),
  tickMs: Number(argOf("--tick-ms") ?? DEFAULTS.tickMs),
};
const stacks = argOf("--stacks")?.split(",") ?? STACKS;
const unknown = stacks.filter((s) => !STACKS.includes(s));
if (unknown.length > 0) {
  console.error(`unknown stack(s) ${unknown.join(", ")}: pick from ${STACKS.join(", ")}`);
  process.exit(2);
}

const started = Date.now();
const loadavgAtStart = loadavg().map((x) => +x.toFixed(2));
const raw = {};
console.log(
  `switchboard traffic bench: ${o.runs} run(s), ${o.nodes} nodes, ${o.rooms} rooms x ${o.perRoom} clients, ${o.ticks} ticks of ${o.tickMs} ms, stacks ${stacks.join(", ")}`,
);
for (let run = 0; run < o.runs; run++) {
  const order = stacks.map((_, i) => stacks[(i + run) % stacks.length]);
  for (const stack of order) {
    const t = Date.now();
    let result;
    try {
      result = await runTraffic(stack, o);
    } catch (err) {
      console.error(`  ${stack}: FAILED ${err.message}`);
      result = { error: err.message };
    }
    (raw[stack] ??= []).push(result);
    const shown = showFigures(result.figures);
    console.log(`  run ${run + 1}/${o.runs} ${stack.padEnd(20)} ${shown} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  }
}

const results = mediansByStack(raw);

const out = {
  date: new Date().toISOString(),
  options: o,
  redis: "standalone redis-server 7 (sharded pub/sub via SSUBSCRIBE/SPUBLISH)",
  stacks,
  durationSec: Math.round((Date.now() - started) / 1000),
  machine: machineInfo(loadavgAtStart),
  results,
};
const complete = Object.entries(DEFAULTS).every(([k, v]) => (k === "runs" ? o.runs >= v : o[k] === v)) && stacks.length === STACKS.length;
const name = complete ? "traffic-latest" : "partial.traffic";
const dir = fileURLToPath(new URL("./results/", import.meta.url));
mkdirSync(dir, { recursive: true });
const table = renderTrafficTable(out) + "\n";
writeFileSync(`${dir}${name}.json`, JSON.stringify(out, null, 2) + "\n");
writeFileSync(`${dir}${name}.md`, table);
console.log("\n" + table);
console.log(`wrote bench/results/${name}.json and ${name}.md (${out.durationSec} s)`);
