// What the multi-run benches (traffic, scale, cluster) share: one line per run, medians per stack,
// and the machine the figures were taken on.
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { median } from "./stats.mjs";

/** `name=value ...` of a run's figures, 4 significant digits. */
export function showFigures(figures = {}) {
  return Object.entries(figures)
    .map(([k, v]) => `${k}=${+v.toPrecision(4)}`)
    .join(" ");
}

/** `{ [stack]: { median, runs } }`: each figure's median over the runs that produced figures. */
export function mediansByStack(raw) {
  const results = {};
  for (const [stack, list] of Object.entries(raw)) {
    const ok = list.filter((r) => r.figures).map((r) => r.figures);
    const keys = ok.length === 0 ? [] : Object.keys(ok[0]);
    results[stack] = { median: ok.length === 0 ? undefined : Object.fromEntries(keys.map((k) => [k, median(ok.map((f) => f[k]))])), runs: list };
  }
  return results;
}

/** The machine: CPU model, cores, Node, and the load average at the start and now. */
export function machineInfo(loadavgAtStart, extra = {}) {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  return {
    cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? "unknown",
    cores: availableParallelism(),
    node: process.version,
    ...extra,
    loadavgAtStart,
    loadavgAtEnd: loadavg().map((x) => +x.toFixed(2)),
  };
}
