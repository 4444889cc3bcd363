// The cluster benchmark's Markdown table: one block of rows per fault, one column per stack.
// `node bench/cluster/report.mjs [file]` prints the README block from results/cluster-latest.json
// (or the file given).
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

export const STACK_LABELS = {
  switchboard: "Switchboard + streams adapter",
  "socketio-streams": "socket.io 4.8 + redis-streams-adapter 0.3",
  "socketio-pubsub": "socket.io 4.8 + redis-adapter 8.3 (pub/sub)",
};

export const FAULT_LABELS = {
  kill: "kill -9 of a node",
  "redis-restart": "Redis restarted (down 2 s, no persistence)",
  "redis-pause": "Redis paused 5 s (SIGSTOP)",
  rolling: "rolling restart of the 3 nodes",
};

const count = (x) => (Number.isFinite(x) ? (Number.isInteger(x) ? x.toLocaleString("en-US") : x.toFixed(1)) : "-");
const ms = (x) => (Number.isFinite(x) ? (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`) : "-");

/** The error's stable code if it has one, else what it says in a few words. */
function describeError({ code, error }) {
  if (code) return code;
  return /time(d)? ?out/i.test(error) ? "timeout" : String(error).slice(0, 60);
}

/** "ok 2.1 s", "error 5.0 s (timeout reached...)", "partial 200/300": the runs' most common outcome. */
function requestCell(runs, name) {
  const list = runs.map((r) => r.requests?.[name]).filter(Boolean);
  if (list.length === 0) return "-";
  const counts = {};
  for (const r of list) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  const [common] = Object.entries(counts).sort((x, y) => y[1] - x[1])[0];
  const same = list.filter((r) => r.outcome === common);
  const times = same.map((r) => r.ms).sort((x, y) => x - y);
  const median = times[times.length >> 1];
  let text = `${common} in ${ms(median)}`;
  if (common === "partial") text += ` (${same[0].size} of ${same[0].expectedSize} sockets)`;
  if (common === "error") text += ` (${describeError(same[0])})`;
  return list.length === same.length ? text : `${text}, ${same.length} of ${list.length} runs`;
}

const eachRun = (runs, key) => runs.map((r) => count(r[key])).join(", ");
const worst = (runs, key, pick) => runs.reduce((w, r) => (w === undefined || pick(r[key], w[key]) ? r : w), undefined);

// Losses are shown for every run (a median would hide the one run that lost); times are medians.
const ROWS = [
  { label: "messages lost, all clients (each run)", cell: (m, runs) => eachRun(runs, "lost") },
  {
    label: "clients that lost any (worst run)",
    cell: (m, runs) => `${count(worst(runs, "clientsWithLoss", (a, b) => a > b).clientsWithLoss)} of ${count(m.clients)}`,
  },
  { label: "messages duplicated (each run)", cell: (m, runs) => eachRun(runs, "duplicated") },
  {
    label: "sessions kept or recovered, affected clients (worst run)",
    cell: (m, runs) => {
      const w = worst(runs, "recovered", (a, b) => a < b);
      return `${count(w.recovered)} of ${count(w.affected)}`;
    },
  },
  { label: "time to recover p50 / p99 (medians)", cell: (m) => `${ms(m.recoverP50Ms)} / ${ms(m.recoverP99Ms)}` },
];

const pair = (r, a, b) => `${count(r[a])} / ${count(r[b])}`;

// The rolling restart: messages both ways, reconnection rate, time until everyone is back.
const ROLLING_ROWS = [
  { label: "messages lost up / down (each run)", cell: (m, runs) => runs.map((r) => pair(r, "upLost", "seqLost")).join("; ") },
  { label: "messages duplicated up / down (each run)", cell: (m, runs) => runs.map((r) => pair(r, "upDuplicated", "seqDuplicated")).join("; ") },
  {
    label: "reconnections that recovered their session (worst run)",
    cell: (m, runs) => {
      const w = worst(runs, "recovered", (a, b) => a < b);
      return `${count(w.recovered)} of ${count(w.reconnects)}`;
    },
  },
  { label: "reconnections a second at the peak (median)", cell: (m) => count(m.peakReconnectsPerSec) },
  { label: "time until every client is back, slowest node (median)", cell: (m) => ms(m.allBackMs) },
];

/** The Markdown table of `out` (results/cluster-latest.json). */
export function renderClusterTable(out) {
  const stacks = out.stacks.filter((s) => Object.values(out.results).some((f) => f.stacks[s]));
  const head = ["fault", "figure", ...stacks.map((s) => STACK_LABELS[s] ?? s)];
  const lines = [`| ${head.join(" | ")} |`, `|---|---|${stacks.map(() => "---:").join("|")}|`];
  for (const [fault, result] of Object.entries(out.results)) {
    const title = FAULT_LABELS[fault] ?? fault;
    const rows = (fault === "rolling" ? ROLLING_ROWS : ROWS).map((r) => ({
      label: r.label,
      cell: (s) =>
        s.median
          ? r.cell(
              s.median,
              s.runs.filter((run) => !run.error),
            )
          : "-",
    }));
    const requestNames = [...new Set(Object.values(result.stacks).flatMap((s) => s.runs.flatMap((r) => Object.keys(r.requests ?? {}))))];
    for (const name of requestNames) {
      const when = fault === "kill" ? "right after the kill" : "during the outage";
      rows.push({ label: `\`${name}\` ${when}`, cell: (s) => requestCell(s.runs, name) });
    }
    rows.forEach((row, i) => {
      const cells = stacks.map((s) => (result.stacks[s] ? row.cell(result.stacks[s]) : "-"));
      lines.push(`| ${i === 0 ? title : ""} | ${row.label} | ${cells.join(" | ")} |`);
    });
  }
  return lines.join("\n");
}

/** The line above the table: machine, sizes, settings. */
export function renderClusterHeader(out) {
  const m = out.machine;
  const o = out.nodeOptions;
  return (
    `Measured ${out.date.slice(0, 16).replace("T", " ")} UTC on ${m.cpu}, ${m.cores} cores, Node ${m.node}: 3 node processes on one ` +
    `redis-server, ${out.clients} socket.io-client 4.8 clients (WebSocket, reconnection 250-1000 ms, each reconnection attempt to ` +
    `the next node), a room broadcast numbered 0..n-1 every ${out.everyMs} ms from node a; heartbeat ${o.heartbeatInterval} / ` +
    `${o.heartbeatTimeout} ms, requests timeout ${o.requestsTimeout} ms, connection state recovery on every stack. Medians of ` +
    `${out.runs} interleaved run(s), a fresh cluster per run (${Math.round(out.durationSec / 60)} min in all).` +
    (out.results.rolling
      ? ` Rolling restart: ${out.rollingClients} clients, each sending a numbered message up every 1 s, the room ` +
        `broadcast every 100 ms (moved to a staying node first); each node in turn leaves (Switchboard: \`io.close({ handover: ` +
        `{ window: 5000 } })\`, socket.io: \`io.close()\`) and a new process takes its place.`
      : "")
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2] ?? fileURLToPath(new URL("../results/cluster-latest.json", import.meta.url));
  const out = JSON.parse(readFileSync(file, "utf8"));
  console.log(renderClusterHeader(out) + "\n");
  console.log(renderClusterTable(out));
}
