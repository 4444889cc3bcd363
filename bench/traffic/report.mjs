// The Markdown table of the traffic benchmark (`node bench/traffic/report.mjs [file.json]` prints
// it again from bench/results/traffic-latest.json or the given file).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fmt } from "../lib/stats.mjs";

const LABELS = {
  "switchboard-classic": "Switchboard, classic adapter",
  "switchboard-static": "Switchboard, sharded static",
  "switchboard-dynamic": "Switchboard, sharded dynamic",
  "socketio-classic": "socket.io 4.8 + redis-adapter 8.3 classic",
  "socketio-static": "socket.io 4.8 + createShardedAdapter static",
  "socketio-dynamic": "socket.io 4.8 + createShardedAdapter dynamic",
};

export function renderTrafficTable(out) {
  const { nodes, rooms, perRoom, ticks, tickMs } = out.options;
  const m = out.machine;
  const lines = [
    `${nodes} nodes, ${rooms} rooms x ${perRoom} WebSocket clients (members on 1-2 nodes), ${ticks} ticks of ${tickMs} ms, one broadcast per room per tick ` +
      `(${fmt(rooms * ticks)} broadcasts); ${out.redis}; medians of ${out.options.runs} interleaved runs of each node's figures; ` +
      `${m.cores} cores (${m.cpu}), Node ${m.node}, load average ${m.loadavgAtStart.join(" ")} at start (machine shared with other jobs).`,
    "",
    "| stack | KB read from Redis / node | messages read / node | share of all broadcasts | bytes vs classic | CPU us / delivered msg | delivered |",
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const stack of out.stacks) {
    const f = out.results[stack]?.median;
    if (!f) {
      lines.push(`| ${LABELS[stack] ?? stack} | failed | | | | | |`);
      continue;
    }
    const classic = out.results[`${stack.split("-")[0]}-classic`]?.median;
    const ratio = classic ? `${(f.bytesReadPerNode / classic.bytesReadPerNode).toFixed(2)}x` : "-";
    lines.push(
      `| ${LABELS[stack] ?? stack} | ${fmt(f.bytesReadPerNode / 1024)} | ${fmt(f.messagesPerNode)} | ${(f.readShare * 100).toFixed(1)} % | ${ratio} | ${fmt(f.cpuUsPerDelivered)} | ${(f.deliveredShare * 100).toFixed(1)} % |`,
    );
  }
  return lines.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? fileURLToPath(new URL("../results/traffic-latest.json", import.meta.url));
  console.log(renderTrafficTable(JSON.parse(readFileSync(file, "utf8"))));
}
