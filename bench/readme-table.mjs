// Prints the README's benchmark block (machine line and headline table) from results/latest.json:
// `node bench/readme-table.mjs`.
import { readFileSync } from "node:fs";
import { renderTable } from "./report.mjs";

const out = JSON.parse(readFileSync(new URL("./results/latest.json", import.meta.url), "utf8"));
const m = out.machine;
console.log(
  `Measured ${out.date.slice(0, 16).replace("T", " ")} UTC on ${m.cpu}, ${m.cores} cores, Node ${m.node}, server and ` +
    `load generator pinned to one core each (${m.pinned ? "taskset" : "not pinned"}); medians of ${out.runs} interleaved runs ` +
    `(${out.mode} mode, ${Math.round(out.durationSec / 60)} min; load average ${m.loadavgAtStart[0]} at start, ${m.loadavgAtEnd[0]} at the end: ` +
    `the machine was shared).\n`,
);
console.log(renderTable(out, { headline: true }));
