#!/usr/bin/env node
/**
 * Long reliability run against the built packages (`npm run soak` builds first): prints the
 * figures quoted in the README's reliability section.
 *
 *   node test/soak/run-soak.mjs [--cycles 10000] [--concurrency 16] [--half-open 200]
 *     [--no-namespace 200] [--abandoned 5000] [--slow-messages 3000] [--shutdown-clients 50]
 *
 * Phases: connect/disconnect cycles (leftovers counted, heap growth after GC), half-open
 * connections, connections that never join a namespace, abandoned polling handshakes next to a
 * live client, slow consumers under a broadcast flood, shutdown with messages in flight.
 * Exits 1 when a figure breaks its bound (heap growth >= 5 MB, anything left behind, a bound
 * passed, a message lost).
 *
 * Node 20 cannot run TypeScript: the shared scenarios (leak-cycles.ts, fault-probes.ts,
 * flow-probes.ts, also used by the jest tests) are bundled with esbuild into node_modules/.cache,
 * their packages (socket.io-client, ws, @switchboard/server from its dist) left external.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { build } from "esbuild";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const { values } = parseArgs({
  options: {
    cycles: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "16" },
    "half-open": { type: "string", default: "200" },
    "no-namespace": { type: "string", default: "200" },
    abandoned: { type: "string", default: "5000" },
    "slow-messages": { type: "string", default: "3000" },
    "shutdown-clients": { type: "string", default: "50" },
  },
});
const num = (name) => Number(values[name]);

const { Server } = await import("@switchboard/server").catch((err) => {
  console.error("cannot load @switchboard/server (core/server/dist): run `npm run build` first\n", err.message);
  process.exit(2);
});
const bundle = await build({
  stdin: {
    contents: 'export * from "./leak-cycles.ts"; export * from "./fault-probes.ts"; export * from "./flow-probes.ts";',
    resolveDir: here("."),
    loader: "ts",
  },
  bundle: true,
  packages: "external",
  format: "esm",
  platform: "node",
  target: "node20",
  write: false,
});
const cacheDir = here("../../node_modules/.cache/switchboard-soak/");
mkdirSync(cacheDir, { recursive: true });
writeFileSync(`${cacheDir}scenarios.mjs`, bundle.outputFiles[0].contents);
const s = await import(pathToFileURL(`${cacheDir}scenarios.mjs`).href);

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");
const failures = [];
const check = (ok, what) => {
  if (!ok) failures.push(what);
};
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
const ms = (value) => `${Math.round(value)} ms`;
const sleep = (delay) => new Promise((resolve) => setTimeout(resolve, delay));

const start = (opts) => s.startServer(Server, opts);

console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? "?"}, ${mb(totalmem())} RAM, Node ${process.version}`);

// ---- 1. connect/disconnect cycles ----
{
  const cycles = num("cycles");
  const srv = await start({ pingInterval: 10_000, pingTimeout: 5_000 });
  s.installCycleHandlers(srv.io);
  await s.runCycles(srv.url, 200, num("concurrency"));
  while (srv.io.engine.clientsCount > 0) await sleep(20);
  await sleep(s.BROADCAST_ACK_TIMEOUT + 300);
  const baseline = s.countLeftovers(srv.io);
  const heapBefore = await s.settledHeap(gc);
  const started = performance.now();
  await s.runCycles(srv.url, cycles, num("concurrency"), async (done) => {
    console.log(`  cycles: ${done}/${cycles}, ${Math.round((done / (performance.now() - started)) * 1000)}/s, heap ${mb(process.memoryUsage().heapUsed)}`);
  });
  const elapsed = performance.now() - started;
  const settleDeadline = Date.now() + 15_000;
  let left = s.countLeftovers(srv.io);
  while (Date.now() < settleDeadline) {
    left = s.countLeftovers(srv.io);
    if (left.engineClients === 0 && Object.keys(s.resourceGrowth(baseline.resources, left.resources)).length === 0) break;
    await sleep(50);
  }
  const heapAfter = await s.settledHeap(gc);
  const growth = s.resourceGrowth(baseline.resources, left.resources);
  const listenersGrown = Object.entries(left.listeners).filter(([key, count]) => count !== (baseline.listeners[key] ?? 0));
  console.log(`cycles: ${cycles} in ${ms(elapsed)} (${Math.round((cycles / elapsed) * 1000)}/s), 3 transport modes x 2 namespaces x 4 ways of leaving`);
  console.log(`  heap after GC: ${mb(heapBefore)} -> ${mb(heapAfter)} (growth ${mb(heapAfter - heapBefore)})`);
  console.log(
    `  left behind: engine.clients ${left.engineClients}, namespace sockets ${left.namespaceSockets}, adapter rooms ${left.adapterRooms}, sids ${left.adapterSids}, pending acks ${left.pendingAcks}`,
  );
  console.log(`  listeners: ${JSON.stringify(left.listeners)} (baseline ${JSON.stringify(baseline.listeners)})`);
  console.log(`  active resources grown: ${JSON.stringify(growth)} (now ${JSON.stringify(left.resources)})`);
  check(heapAfter - heapBefore < 5 * 1024 * 1024, "heap growth >= 5 MiB");
  check(left.engineClients + left.namespaceSockets + left.adapterRooms + left.adapterSids + left.pendingAcks === 0, "entries left behind");
  check(Object.keys(growth).length === 0, "handles or timers left behind");
  check(listenersGrown.length === 0, "listeners left behind");
  await srv.close();
}

// ---- 2. half-open connections ----
{
  const pingInterval = 1000;
  const pingTimeout = 1000;
  const srv = await start({ pingInterval, pingTimeout });
  const { times, reasons } = await s.measureHalfOpen(srv.io, srv.url, num("half-open"));
  console.log(
    `half-open: ${times.length} clients stop reading (pingInterval ${pingInterval} + pingTimeout ${pingTimeout}): closed after median ${ms(s.median(times))}, max ${ms(times.at(-1))}; ${JSON.stringify(reasons)}`,
  );
  check(times.at(-1) <= pingInterval + pingTimeout + 2000, "half-open connection outlived pingInterval + pingTimeout");
  await srv.close();
}

// ---- 3. connections that never join a namespace ----
{
  const connectTimeout = 1000;
  const srv = await start({ connectTimeout, pingInterval: 60_000, pingTimeout: 60_000 });
  const { times, reasons } = await s.measureNoNamespace(srv.io, srv.url, num("no-namespace"));
  console.log(
    `no namespace: ${times.length} connections (connectTimeout ${connectTimeout}): closed after median ${ms(s.median(times))}, max ${ms(times.at(-1))}; ${JSON.stringify(reasons)}`,
  );
  check(times.at(-1) <= connectTimeout + 2000, "namespace-less connection outlived connectTimeout");
  await srv.close();
}

// ---- 4. abandoned polling handshakes ----
{
  const srv = await start({ pingInterval: 1000, pingTimeout: 1000 });
  srv.io.on("connection", (socket) => socket.on("echo", (i, ack) => ack(i)));
  const run = await s.abandonedHandshakes(srv.io, srv.url, num("abandoned"), 50, 30_000);
  const lat = run.ackLatencies;
  console.log(
    `abandoned handshakes: ${run.handshakes} (peak ${run.peakSessions} open sessions), live client: ${run.acks} acks answered, latency median ${s.median(lat).toFixed(3)} ms, max ${ms(lat.at(-1))}; all reaped ${ms(run.reapedAfter)} after the flood`,
  );
  await srv.close();
}

// ---- 5. slow consumers ----
{
  const run = await s.measureSlowConsumers(Server, { limit: 1e6, slow: 4, healthy: 4, messages: num("slow-messages"), size: 10_000, perTurn: 10 });
  console.log(
    `slow consumers: ${run.messages} broadcasts (${mb(run.bytesEmitted)}) to 4 paused + 4 healthy clients, maxWriteBufferSize ${mb(run.limit)}: peak buffered ${mb(run.peakBuffered)}; paused: ${JSON.stringify(run.slowReasons)}; healthy received ${run.healthyReceived.join("/")}`,
  );
  check(run.peakBuffered <= run.limit, "write buffer bound passed");
  check(
    run.healthyReceived.every((n) => n === run.messages),
    "a healthy client missed messages",
  );
  check(run.slowReasons["write buffer full"] === 4, "a paused client was not cut with 'write buffer full'");
}

// ---- 6. shutdown ----
{
  const run = await s.measureShutdown(Server, num("shutdown-clients"), 200);
  console.log(
    `shutdown: ${run.clients} clients (half WebSocket, half polling), ${run.emitted} messages emitted in the turn of io.close(): ${run.delivered} delivered; close took ${ms(run.closeMs)}`,
  );
  check(run.delivered === run.emitted, "messages lost at shutdown");
}

if (failures.length > 0) {
  console.error(`FAILED: ${failures.join("; ")}`);
  process.exit(1);
}
console.log("soak: all bounds held");
const leftover = process.getActiveResourcesInfo().filter((kind) => kind !== "TTYWrap" && kind !== "PipeWrap");
if (leftover.length > 0) console.log(`(still active at exit: ${leftover.join(", ")})`);
// Closing handshakes of the clients may keep timers for up to ws's 30 s close timeout.
process.exit(0);
