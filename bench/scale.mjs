// `npm run bench:scale [-- --clients 75000] [--workers 4] [--generators 5] [--broadcasts 3]
// [--in-flight 50] [--stacks switchboard,socketio] [--runs 1]`: one box, `workers` cluster workers
// behind the stack's sticky router and the Redis pub/sub adapter, `clients` WebSocket clients from
// `generators` processes (each its own source address 127.0.0.x). Time to connect them all, worker
// RSS and heap per connection, and the time a broadcast takes to reach every client (p50/p99/max
// over all clients; the median of `broadcasts` rounds). Writes bench/results/scale-latest.json,
// .md and scale.svg (other sizes or subsets: partial.scale.*).
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { machineInfo, mediansByStack, showFigures } from "./lib/run-summary.mjs";
import { runScale } from "./scale/scenario.mjs";
import { renderScaleSvg, renderScaleTable } from "./scale/report.mjs";

// Every process needs the hard open-files limit: re-run under a shell that raises the soft one.
if (!process.env.SCALE_ULIMIT_RAISED) {
  const script = 'ulimit -n "$(ulimit -Hn)" && exec "$0" "$@"';
  const r = spawnSync("/bin/sh", ["-c", script, process.execPath, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, SCALE_ULIMIT_RAISED: "1" },
  });
  process.exit(r.status ?? 1);
}

const argv = process.argv.slice(2);
const argOf = (name) => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
};
export const STACKS = ["switchboard", "socketio"];
const o = {
  clients: Number(argOf("--clients") ?? 75000),
  workers: Number(argOf("--workers") ?? 4),
  generators: Number(argOf("--generators") ?? 5),
  inFlight: Number(argOf("--in-flight") ?? 50),
  broadcasts: Number(argOf("--broadcasts") ?? 3),
  runs: Number(argOf("--runs") ?? 1),
  connectTimeoutMs: Number(argOf("--connect-timeout-ms") ?? 600000),
};
const stacks = argOf("--stacks")?.split(",") ?? STACKS;
const unknown = stacks.filter((s) => !STACKS.includes(s));
if (unknown.length > 0) {
  console.error(`unknown stack(s) ${unknown.join(", ")}: pick from ${STACKS.join(", ")}`);
  process.exit(2);
}
const fdLimit = spawnSync("/bin/sh", ["-c", "ulimit -n"], { encoding: "utf8" }).stdout.trim();

const started = Date.now();
const loadavgAtStart = loadavg().map((x) => +x.toFixed(2));
console.log(
  `switchboard scale bench: ${o.clients} clients from ${o.generators} generators, ${o.workers} workers, ${o.runs} run(s), stacks ${stacks.join(", ")}, open files ${fdLimit}`,
);
const raw = {};
for (let run = 0; run < o.runs; run++) {
  const order = stacks.map((_, i) => stacks[(i + run) % stacks.length]);
  for (const stack of order) {
    const t = Date.now();
    let result;
    try {
      result = await runScale(stack, o, (line) => console.log(`    ${stack}: ${line}`));
    } catch (err) {
      console.error(`  ${stack}: FAILED ${err.message}`);
      result = { error: err.message };
    }
    result.loadavg = loadavg().map((x) => +x.toFixed(2));
    (raw[stack] ??= []).push(result);
    const shown = showFigures(result.figures);
    console.log(`  run ${run + 1}/${o.runs} ${stack.padEnd(12)} ${shown} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  }
}

const results = mediansByStack(raw);
const out = {
  date: new Date().toISOString(),
  options: o,
  stacks,
  durationSec: Math.round((Date.now() - started) / 1000),
  machine: machineInfo(loadavgAtStart, { memGB: Math.round(totalmem() / 2 ** 30), openFiles: fdLimit }),
  results,
};
const complete = o.clients >= 75000 && o.workers === 4 && stacks.length === STACKS.length;
const name = complete ? "scale-latest" : "partial.scale";
const dir = fileURLToPath(new URL("./results/", import.meta.url));
mkdirSync(dir, { recursive: true });
const table = renderScaleTable(out) + "\n";
writeFileSync(`${dir}${name}.json`, JSON.stringify(out, null, 2) + "\n");
writeFileSync(`${dir}${name}.md`, table);
writeFileSync(`${dir}${complete ? "scale" : "partial.scale"}.svg`, renderScaleSvg(out));
console.log("\n" + table);
console.log(`wrote bench/results/${name}.json, ${name}.md and ${complete ? "scale" : "partial.scale"}.svg (${out.durationSec} s)`);
