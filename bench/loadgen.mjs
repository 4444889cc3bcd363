// The load generator in its own process (pinned apart from the server). Obeys the orchestrator's
// commands over IPC and reports its own CPU, so a client-bound run shows.
import { performance } from "node:perf_hooks";
import { connectWs, ackId } from "./lib/ws-client.mjs";
import { connectPolling } from "./lib/polling-client.mjs";

const now = () => performance.timeOrigin + performance.now();
const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const reply = (msg, body) => process.send({ id: msg.id, ...body });
const quantile = (sorted, q) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);

let clients = [];

/** Opens `n` connections, `concurrency` at a time; resolves with the time it took. */
async function connectMany(port, n, concurrency, transport, localAddress) {
  const start = now();
  const cpu0 = cpuNow();
  let next = 0;
  let failed = 0;
  const opened = [];
  const worker = async () => {
    while (next < n) {
      next++;
      try {
        opened.push(transport === "polling" ? await connectPolling(port, null) : await connectWs(port, {}, { localAddress }));
      } catch (err) {
        failed++;
        if (failed <= 3) console.error("connect failed:", err.message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  const ms = now() - start;
  clients.push(...opened);
  return { ms, connected: opened.length, failed, rate: (opened.length / ms) * 1000, clientCpuUs: cpuNow() - cpu0 };
}

const handlers = {
  async connect(msg) {
    reply(msg, await connectMany(msg.port, msg.n, msg.concurrency ?? 100, msg.transport ?? "websocket", msg.localAddress));
  },

  /** Counts broadcast events until `total` arrived (or `timeoutMs` passed). */
  expect(msg) {
    const { total, timeoutMs } = msg;
    let received = 0;
    const cpu0 = cpuNow();
    const t0 = now();
    let timer;
    const finish = () => {
      clearTimeout(timer);
      for (const c of clients) c.onEvent = null;
      const tEnd = now();
      process.send({ type: "delivered", received, tEnd, clientCpuUs: cpuNow() - cpu0, clientWallMs: tEnd - t0 });
    };
    const onEvent = () => {
      if (++received === total) finish();
    };
    for (const c of clients) c.onEvent = onEvent;
    timer = setTimeout(finish, timeoutMs);
    reply(msg, { armed: true });
  },

  /** Closed loop: each of `concurrency` clients keeps one request in flight for `durationMs`. */
  echo(msg) {
    const { concurrency, durationMs, body } = msg;
    const active = clients.slice(0, concurrency);
    const lat = [];
    let done = 0;
    let running = true;
    const cpu0 = cpuNow();
    const t0 = now();
    let finished = 0;
    for (const c of active) {
      let seq = 0;
      let sentAt = 0;
      const send = () => {
        seq++;
        sentAt = performance.now();
        c.ws.send(`42${seq}["echo",{"seq":${seq},"body":"${body}"}]`);
      };
      c.onAck = (data) => {
        if (ackId(data) !== seq) return;
        lat.push(performance.now() - sentAt);
        done++;
        if (running) send();
        else if (++finished === active.length) report();
      };
      send();
    }
    const report = () => {
      const wallMs = stopAt - t0;
      lat.sort((a, b) => a - b);
      for (const c of active) c.onAck = null;
      reply(msg, {
        requests: done,
        reqPerSec: (countAtStop / wallMs) * 1000,
        p50Us: quantile(lat, 0.5) * 1000,
        p99Us: quantile(lat, 0.99) * 1000,
        clientCpuUs: cpuAtStop - cpu0,
        clientWallMs: wallMs,
      });
    };
    let stopAt = 0;
    let countAtStop = 0;
    let cpuAtStop = 0;
    setTimeout(() => {
      running = false;
      stopAt = now();
      countAtStop = done;
      cpuAtStop = cpuNow();
    }, durationMs);
  },

  /** Polling: collects the latency of every `tick` event for `durationMs`. */
  "poll-measure"(msg) {
    const { durationMs } = msg;
    const lat = [];
    const cpu0 = cpuNow();
    const t0 = now();
    const onPacket = (packet) => {
      if (!packet.startsWith("42")) return;
      const i = packet.indexOf('"ts":');
      if (i !== -1) lat.push(now() - parseFloat(packet.slice(i + 5)));
    };
    for (const c of clients) c.onPacket = onPacket;
    setTimeout(() => {
      for (const c of clients) c.onPacket = null;
      lat.sort((a, b) => a - b);
      reply(msg, { received: lat.length, p50Ms: quantile(lat, 0.5), p99Ms: quantile(lat, 0.99), clientCpuUs: cpuNow() - cpu0, clientWallMs: now() - t0 });
    }, durationMs);
  },

  async close(msg) {
    await Promise.all(clients.map((c) => (c.close ? c.close() : c.ws.terminate())));
    clients = [];
    reply(msg, {});
  },
};

process.on("message", (msg) => {
  const handler = handlers[msg.cmd];
  if (!handler) throw new Error(`unknown command ${msg.cmd}`);
  Promise.resolve(handler(msg)).catch((err) => {
    console.error(err);
    reply(msg, { error: err.message });
  });
});
process.on("disconnect", () => process.exit(0));
