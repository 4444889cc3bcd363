// `npm run bench [-- --quick] [--runs N] [--only <scenario-prefix>]`: runs every scenario against
// every server, interleaved (each run visits the servers in a rotated order), takes medians, prints
// the table and writes bench/results/latest.json and latest.svg.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { pinning } from "./lib/child.mjs";
import { median } from "./lib/stats.mjs";
import { renderTable, renderSvg, withRatios } from "./report.mjs";
import * as S from "./scenarios.mjs";

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const argOf = (name) => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
};
const runs = Number(argOf("--runs") ?? (quick ? 1 : 3));
const only = argOf("--only");
const serversArg = argOf("--servers");

// BENCH_BASELINE=<dir> adds "baseline": another Switchboard build (its core/server/dist), e.g. the
// last commit's, measured in the same interleaved runs.
const baseline = process.env.BENCH_BASELINE ? ["baseline"] : [];
export const SERVERS = ["switchboard", ...baseline, "socketio", "ws-frame", "ws-loop"];
const servers = serversArg ? serversArg.split(",") : SERVERS;
const WS_ONLY = SERVERS;
const POLLING = ["switchboard", ...baseline, "socketio"]; // raw ws has no long-polling
const IDLE_MANY = ["switchboard", ...baseline, "socketio", "ws-frame"]; // ws-loop idles like ws-frame

const q = (full, small) => (quick ? small : full);
const scenarios = [
  {
    key: "broadcast-burst-500",
    title: "(a) broadcast burst, 500 clients",
    fn: S.broadcast,
    cfg: { clients: 500, count: q(400, 100), mode: "burst" },
    servers: WS_ONLY,
  },
  {
    key: "broadcast-burst-2000",
    title: "(a) broadcast burst, 2,000 clients",
    fn: S.broadcast,
    cfg: { clients: 2000, count: q(100, 25), mode: "burst" },
    servers: WS_ONLY,
  },
  {
    key: "broadcast-paced-500",
    title: "(a) broadcast paced, 500 clients",
    fn: S.broadcast,
    cfg: { clients: 500, count: q(400, 100), mode: "paced" },
    servers: WS_ONLY,
  },
  {
    key: "broadcast-paced-2000",
    title: "(a) broadcast paced, 2,000 clients",
    fn: S.broadcast,
    cfg: { clients: 2000, count: q(100, 25), mode: "paced" },
    servers: WS_ONLY,
  },
  { key: "echo-1", title: "(b) echo with ack, 1 in flight", fn: S.echo, cfg: { concurrency: 1, durationMs: q(3000, 1000) }, servers: WS_ONLY },
  { key: "echo-50", title: "(b) echo with ack, 50 in flight", fn: S.echo, cfg: { concurrency: 50, durationMs: q(3000, 1000) }, servers: WS_ONLY },
  { key: "idle-10k", title: "(c) idle WebSocket connections", fn: S.idleMemory, cfg: { clients: q(10000, 2000) }, servers: WS_ONLY },
  {
    key: "idle-19k",
    title: "(c) 19,900 idle WebSocket connections, heartbeat every 5 s",
    fn: S.idleMany,
    cfg: { clients: q(19900, 4000), processes: 4, pingInterval: 5000, windowMs: q(10000, 5000) },
    servers: IDLE_MANY,
  },
  { key: "connect", title: "(d) connect rate to CONNECT ack", fn: S.connectRate, cfg: { clients: q(2000, 500), concurrency: 50 }, servers: WS_ONLY },
  { key: "polling", title: "(e) long-polling, gzip accepted", fn: S.polling, cfg: { clients: 50, perSec: 200, durationMs: q(3000, 1000) }, servers: POLLING },
].filter((s) => !only || s.key.startsWith(only));

const loadavgAtStart = loadavg().map((x) => +x.toFixed(2));

function machine() {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? "unknown";
  return { cpu: model, cores: availableParallelism(), node: process.version, pinned: pinning, loadavgAtStart };
}

const started = Date.now();
const raw = {}; // raw[scenario][server] = [figures of each run]
console.log(`switchboard bench: ${quick ? "quick" : "full"}, ${runs} run(s), servers ${servers.join(", ")}, pinned=${pinning}`);
for (let run = 0; run < runs; run++) {
  for (const sc of scenarios) {
    const list = sc.servers.filter((s) => servers.includes(s));
    // Rotate the order so no server always runs first (or right after the same neighbour).
    const order = list.map((_, i) => list[(i + run) % list.length]);
    for (const kind of order) {
      const t = Date.now();
      let figures;
      try {
        figures = await sc.fn(kind, sc.cfg);
      } catch (err) {
        console.error(`  ${sc.key} ${kind}: FAILED ${err.message}`);
        figures = { error: err.message };
      }
      ((raw[sc.key] ??= {})[kind] ??= []).push(figures);
      const shown = Object.entries(figures)
        .map(([k, v]) => `${k}=${typeof v === "number" ? +v.toPrecision(4) : v}`)
        .join(" ");
      console.log(`  run ${run + 1}/${runs} ${sc.key.padEnd(22)} ${kind.padEnd(12)} ${shown} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    }
  }
}

const results = {};
for (const sc of scenarios) {
  const byServer = {};
  for (const [kind, list] of Object.entries(raw[sc.key] ?? {})) {
    const keys = new Set(list.flatMap((f) => Object.keys(f).filter((k) => k !== "error")));
    const med = {};
    for (const k of keys) med[k] = median(list.map((f) => f[k]));
    byServer[kind] = { median: med, runs: list };
  }
  results[sc.key] = { title: sc.title, config: sc.cfg, servers: byServer };
}

const out = withRatios({
  date: new Date().toISOString(),
  mode: quick ? "quick" : "full",
  runs,
  durationSec: Math.round((Date.now() - started) / 1000),
  machine: { ...machine(), loadavgAtEnd: loadavg().map((x) => +x.toFixed(2)) },
  results,
});
// Only a complete run replaces the published results; quick or partial runs go beside them.
const name = quick || only || serversArg || runs < 3 ? "partial" : "latest";
const dir = fileURLToPath(new URL("./results/", import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}${name}.json`, JSON.stringify(out, null, 2) + "\n");
writeFileSync(`${dir}${name}.svg`, renderSvg(out));
console.log("\n" + renderTable(out));
console.log(`\nwrote bench/results/${name}.json and ${name}.svg (${out.durationSec} s)`);
