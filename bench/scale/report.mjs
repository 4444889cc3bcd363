// The Markdown table and the SVG chart of the scale benchmark (`node bench/scale/report.mjs
// [file.json]` prints the table again from bench/results/scale-latest.json or the given file).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fmt } from "../lib/stats.mjs";

const LABELS = {
  switchboard: "Switchboard (sticky `setupPrimary` + Redis adapter)",
  socketio: "socket.io 4.8 + @socket.io/sticky 2.0 + redis-adapter 8.3",
};
const SHORT = { switchboard: "Switchboard", socketio: "socket.io 4.8" };
const COLORS = { switchboard: "#2a7de1", socketio: "#9a9a9a" };

export function conditions(out) {
  const { options: o, machine: m } = out;
  return (
    `${o.workers} workers behind the stack's sticky router, Redis pub/sub adapter on one redis-server, ${fmt(o.clients)} WebSocket clients asked for from ` +
    `${o.generators} load-generator processes (127.0.0.2-${1 + o.generators}, ${o.inFlight} handshakes in flight each); ${m.cores} cores (${m.cpu}), ${m.memGB} GB, ` +
    `Node ${m.node}, open files ${m.openFiles} per process; load average ${m.loadavgAtStart.join(" ")} at start (machine shared with other jobs); ` +
    `broadcast figures: the median of ${o.broadcasts} rounds, ${o.runs} run(s).`
  );
}

export function renderScaleTable(out) {
  const lines = [
    conditions(out),
    "",
    "| stack | connected | time to connect | connections/s | CPU s to connect: workers / primary / load gen | worker RSS / conn | worker heap / conn | broadcast p50 | p99 | max |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const stack of out.stacks) {
    const f = out.results[stack]?.median;
    if (!f) {
      lines.push(`| ${LABELS[stack] ?? stack} | failed: ${out.results[stack]?.runs[0]?.error ?? "?"} | | | | | | | | |`);
      continue;
    }
    const reached = f.broadcastReached >= f.connected ? "" : ` (${count(f.broadcastReached)} reached)`;
    lines.push(
      `| ${LABELS[stack] ?? stack} | ${count(f.connected)}${f.failed ? ` (${count(f.failed)} failed)` : ""} | ${fmt(f.connectSec)} s | ${fmt(f.connectPerSec)} | ` +
        `${fmt(f.workersCpuSec)} / ${fmt(f.primaryCpuSec)} / ${fmt(f.generatorsCpuSec)} | ` +
        `${fmt(f.rssKBPerConn)} KB | ${fmt(f.heapKBPerConn)} KB | ${fmt(f.broadcastP50Ms)} ms | ${fmt(f.broadcastP99Ms)} ms | ${fmt(f.broadcastMaxMs)} ms${reached} |`,
    );
  }
  return lines.join("\n");
}

const count = (n) => Math.round(n).toLocaleString("en-US");
const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** One panel per figure, one bar per stack (lower is better for all of them). */
export function renderScaleSvg(out) {
  const panels = [
    ["connectSec", "time to connect every client (s)"],
    ["rssKBPerConn", "worker RSS per connection (KB)"],
    ["heapKBPerConn", "worker heap per connection (KB)"],
    ["broadcastP50Ms", "broadcast to every client: p50 (ms)"],
    ["broadcastP99Ms", "broadcast to every client: p99 (ms)"],
    ["broadcastMaxMs", "broadcast to every client: max (ms)"],
  ];
  const stacks = out.stacks.filter((s) => out.results[s]?.median);
  const barH = 14;
  const panelH = 30 + stacks.length * (barH + 4) + 10;
  const width = 760;
  const top = 64;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top + panels.length * panelH}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">Cluster at scale: ${esc(count(out.options.clients))} WebSocket clients, ${out.options.workers} workers, Redis adapter (lower is better)</text>`,
    `<text x="10" y="38" fill="#555">${esc(`${out.machine.cpu}, ${out.machine.cores} cores, Node ${out.machine.node}, ${out.date.slice(0, 16)}Z`)}</text>`,
  ];
  stacks.forEach((s, i) => {
    const f = out.results[s].median;
    const x = 10 + i * 260;
    parts.push(`<rect x="${x}" y="46" width="10" height="10" fill="${COLORS[s] ?? "#444"}"/>`);
    parts.push(`<text x="${x + 14}" y="55">${esc(`${SHORT[s] ?? s} (${count(f.connected)} connected)`)}</text>`);
  });
  panels.forEach(([key, title], p) => {
    const y0 = top + p * panelH;
    const max = Math.max(...stacks.map((s) => out.results[s].median[key]).filter(Number.isFinite), 1e-9);
    parts.push(`<text x="10" y="${y0 + 18}" font-weight="bold">${esc(title)}</text>`);
    stacks.forEach((s, i) => {
      const v = out.results[s].median[key];
      const y = y0 + 26 + i * (barH + 4);
      const w = Number.isFinite(v) ? (v / max) * 420 : 0;
      parts.push(`<text x="10" y="${y + 11}">${esc(SHORT[s] ?? s)}</text>`);
      parts.push(`<rect x="250" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${COLORS[s] ?? "#444"}"/>`);
      parts.push(`<text x="${(254 + w).toFixed(1)}" y="${y + 11}">${esc(fmt(v))}</text>`);
    });
    parts.push(`<line x1="10" x2="${width - 10}" y1="${y0 + panelH - 4}" y2="${y0 + panelH - 4}" stroke="#eee"/>`);
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? fileURLToPath(new URL("../results/scale-latest.json", import.meta.url));
  console.log(renderScaleTable(JSON.parse(readFileSync(file, "utf8"))));
}
