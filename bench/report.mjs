// The results as a Markdown table (medians, Switchboard's ratios to socket.io and to raw ws) and
// as an SVG chart of bars, one panel per figure, each server's bar relative to the largest.
import { fmt } from "./lib/stats.mjs";

export const METRICS = [
  { key: "msgsPerSec", label: "delivered msg/s", better: "higher" },
  { key: "cpuUsPerMsg", label: "server CPU µs/msg", better: "lower" },
  { key: "reqPerSec", label: "req/s", better: "higher" },
  { key: "p50Us", label: "p50 µs", better: "lower" },
  { key: "p99Us", label: "p99 µs", better: "lower" },
  { key: "heapKBPerConn", label: "heap KB/conn", better: "lower" },
  { key: "rssKBPerConn", label: "RSS KB/conn", better: "lower" },
  { key: "idleCpuMsPerSec", label: "idle CPU ms/s", better: "lower" },
  { key: "connPerSec", label: "connections/s", better: "higher" },
  { key: "p50Ms", label: "p50 ms", better: "lower" },
  { key: "p99Ms", label: "p99 ms", better: "lower" },
  { key: "clientCpuPct", label: "load-gen CPU %", better: "info" },
];

const ALL_COLUMNS = [
  { kind: "switchboard", label: "Switchboard", color: "#2a7de1" },
  { kind: "baseline", label: "SB baseline", color: "#8fb8ea" },
  { kind: "socketio", label: "socket.io 4.8", color: "#9a9a9a" },
  { kind: "ws-frame", label: "ws frame-once", color: "#e1902a" },
  { kind: "ws-loop", label: "ws write/turn", color: "#5aa55a" },
];

// The baseline column shows only when a run measured one (BENCH_BASELINE).
let COLUMNS = ALL_COLUMNS;
const columnsOf = (out) => ALL_COLUMNS.filter((c) => c.kind !== "baseline" || Object.values(out.results).some((sc) => sc.servers.baseline));

const valueOf = (sc, kind, key) => sc.servers[kind]?.median?.[key];
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN);

/** Adds, to every scenario, each server's ratio to socket.io and to both raw ws modes. */
export function withRatios(out) {
  for (const sc of Object.values(out.results)) {
    for (const [kind, s] of Object.entries(sc.servers)) {
      s.ratios = {};
      for (const ref of ["baseline", "socketio", "ws-frame", "ws-loop"]) {
        if (ref === kind || !sc.servers[ref]) continue;
        s.ratios[`vs-${ref}`] = Object.fromEntries(Object.keys(s.median).map((k) => [k, +ratio(s.median[k], valueOf(sc, ref, k)).toFixed(3)]));
      }
    }
  }
  return out;
}

function rows(out) {
  const list = [];
  for (const [key, sc] of Object.entries(out.results)) {
    for (const m of METRICS) {
      if (!Object.values(sc.servers).some((s) => Number.isFinite(s.median?.[m.key]))) continue;
      list.push({ key, sc, m });
    }
  }
  return list;
}

/** The figures the README quotes: one or two per scenario, no load-generator CPU. */
const HEADLINE = new Set(["msgsPerSec", "cpuUsPerMsg", "reqPerSec", "p50Us", "heapKBPerConn", "rssKBPerConn", "idleCpuMsPerSec", "connPerSec", "p50Ms"]);

/** The Markdown table; `headline` keeps only the figures the README quotes. */
export function renderTable(out, { headline = false } = {}) {
  COLUMNS = columnsOf(out);
  const refs = [...(COLUMNS.some((c) => c.kind === "baseline") ? ["baseline"] : []), "socketio", "ws-frame", "ws-loop"];
  const head = ["scenario", "figure", ...COLUMNS.map((c) => c.label), ...(refs[0] === "baseline" ? ["SB/base"] : []), "SB/sio", "SB/ws-frame", "SB/ws-turn"];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i < 2 ? "---" : "---:")).join("|")}|`];
  for (const { key, sc, m } of rows(out)) {
    if (headline && !HEADLINE.has(m.key)) continue;
    const sb = valueOf(sc, "switchboard", m.key);
    const cells = COLUMNS.map((c) => fmt(valueOf(sc, c.kind, m.key)));
    const ratios = refs.map((r) => (m.better === "info" ? "" : fmt(ratio(sb, valueOf(sc, r, m.key)))));
    lines.push(`| ${key} | ${m.label} | ${cells.join(" | ")} | ${ratios.join(" | ")} |`);
  }
  return lines.join("\n");
}

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;");

export function renderSvg(out) {
  COLUMNS = columnsOf(out);
  const list = rows(out).filter((r) => r.m.better !== "info");
  const barH = 13;
  const panelH = COLUMNS.length * (barH + 3) + 24;
  const width = 760;
  const left = 250;
  const barMax = width - left - 90;
  const height = 60 + list.length * panelH + 20;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">Switchboard vs socket.io vs raw ws (medians of ${out.runs} run(s), ${esc(out.mode)})</text>`,
    `<text x="10" y="38" fill="#555">${esc(`${out.machine.cpu}, ${out.machine.cores} cores, Node ${out.machine.node}, ${out.date.slice(0, 16)}Z`)}</text>`,
  ];
  COLUMNS.forEach((c, i) => {
    parts.push(`<rect x="${10 + i * 150}" y="46" width="10" height="10" fill="${c.color}"/><text x="${24 + i * 150}" y="55">${esc(c.label)}</text>`);
  });
  list.forEach(({ key, sc, m }, idx) => {
    const y0 = 70 + idx * panelH;
    parts.push(`<text x="10" y="${y0 + 14}" font-weight="bold">${esc(key)}</text>`);
    parts.push(`<text x="10" y="${y0 + 28}" fill="#555">${esc(m.label)} (${m.better} is better)</text>`);
    const values = COLUMNS.map((c) => valueOf(sc, c.kind, m.key));
    const max = Math.max(...values.filter(Number.isFinite), 1e-9);
    COLUMNS.forEach((c, i) => {
      const v = values[i];
      const y = y0 + 4 + i * (barH + 3);
      if (!Number.isFinite(v)) return;
      const w = Math.max(1, (v / max) * barMax);
      parts.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${c.color}"/>`);
      parts.push(`<text x="${left + w + 4}" y="${y + barH - 2}">${esc(fmt(v))}</text>`);
    });
    parts.push(`<line x1="10" x2="${width - 10}" y1="${y0 + panelH - 4}" y2="${y0 + panelH - 4}" stroke="#eee"/>`);
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
