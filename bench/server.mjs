// A benchmark server in its own process: `node --expose-gc bench/server.mjs <kind>`. It reports its
// port over IPC, then obeys the orchestrator's commands and measures its own CPU around each one.
import { createServer } from "node:http";
import { performance } from "node:perf_hooks";
import { create as createSocketIo } from "./servers/socketio-api.mjs";

const kind = process.argv[2];
// Options a scenario sets (JSON): `pingInterval` for the idle heartbeat scenario.
const serverOpts = JSON.parse(process.argv[3] ?? "{}");
const now = () => performance.timeOrigin + performance.now();
const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

let impl;
const httpServer = createServer((_req, res) => {
  res.writeHead(404);
  res.end();
});
if (kind === "switchboard") impl = createSocketIo((await import("../core/server/dist/index.js")).Server, httpServer, serverOpts);
// BENCH_BASELINE=<dir>: a second Switchboard build (e.g. the last commit's) run side by side.
else if (kind === "baseline") impl = createSocketIo((await import(`${process.env.BENCH_BASELINE}/core/server/dist/index.js`)).Server, httpServer, serverOpts);
else if (kind === "socketio") impl = createSocketIo((await import("socket.io")).Server, httpServer, serverOpts);
else if (kind === "ws-frame") impl = (await import("./servers/raw-ws.mjs")).create(httpServer, "frame", serverOpts);
else if (kind === "ws-loop") impl = (await import("./servers/raw-ws.mjs")).create(httpServer, "loop", serverOpts);
else throw new Error(`unknown server kind ${kind}`);

httpServer.listen(0, "127.0.0.1", () => process.send({ type: "listening", port: httpServer.address().port }));

let cpuStart = 0;
let wallStart = 0;
const reply = (msg, body) => process.send({ id: msg.id, ...body });

function gcHard() {
  for (let i = 0; i < 4; i++) globalThis.gc?.();
}

const handlers = {
  "cpu-start"(msg) {
    cpuStart = cpuNow();
    wallStart = now();
    reply(msg, { t0: wallStart });
  },
  "cpu-stop"(msg) {
    reply(msg, { cpuUs: cpuNow() - cpuStart, wallMs: now() - wallStart });
  },
  count(msg) {
    reply(msg, { count: impl.count() });
  },
  mem(msg) {
    gcHard();
    // Let finalizers and the weak callbacks of closed handles run, then collect again.
    setTimeout(() => {
      gcHard();
      const m = process.memoryUsage();
      reply(msg, { heapUsed: m.heapUsed, rss: m.rss, external: m.external });
    }, 200);
  },
  /** Emits `count` broadcasts: all in this turn (burst), or one per event-loop turn (paced). */
  broadcast(msg) {
    const { count, mode, body } = msg;
    cpuStart = cpuNow();
    wallStart = now();
    if (mode === "burst") {
      for (let i = 0; i < count; i++) impl.broadcast(["news", { seq: i, body }]);
      reply(msg, { t0: wallStart });
      return;
    }
    let i = 0;
    const step = () => {
      impl.broadcast(["news", { seq: i, body }]);
      if (++i < count) setImmediate(step);
    };
    step();
    reply(msg, { t0: wallStart });
  },
  /** Emits at a fixed rate for `durationMs`, each message stamped with its send time. */
  rate(msg) {
    const { perSec, durationMs, body } = msg;
    const interval = 1000 / perSec;
    cpuStart = cpuNow();
    const start = (wallStart = now());
    let sent = 0;
    const tick = () => {
      const due = Math.floor((now() - start) / interval);
      while (sent < due && sent * interval < durationMs) {
        impl.broadcast(["tick", { seq: sent, ts: now(), body }]);
        sent++;
      }
      if (sent * interval < durationMs) setTimeout(tick, Math.max(1, interval / 2));
      else reply(msg, { sent });
    };
    tick();
  },
};

process.on("message", (msg) => {
  const handler = handlers[msg.cmd];
  if (!handler) throw new Error(`unknown command ${msg.cmd}`);
  handler(msg);
});
process.on("disconnect", () => process.exit(0));
