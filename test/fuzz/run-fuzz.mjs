#!/usr/bin/env node
/**
 * Long-run fuzzer for @switchboard/protocol's decoders, against the built package (build first:
 * `npx tsc -b core/protocol`). Node 20 cannot run TypeScript, so the shared generators and checks
 * (fuzz-inputs.ts, fuzz-checks.ts) are bundled in memory with esbuild; they import nothing else
 * at run time.
 *
 *   node test/fuzz/run-fuzz.mjs [--inputs 1000000] [--seed 12345] [--no-oracle] [--hostile 20000]
 *
 * Targets: the Socket.IO Decoder (chunk sequences), the Engine.IO packet/payload decoders, and
 * socket.io-parser and engine.io-parser as oracles (skip them with --no-oracle); one input in
 * fifty is an extreme one (very deep nesting, frames up to 1 MB, huge counts, invalid UTF-8).
 * Prints inputs tried, valid vs rejected counts per target and throughput; exits 1 on the first
 * property violation, printing the seed and index that reproduce it.
 *
 * Then, unless --hostile 0, the end-to-end hostile run (test/reliability/hostile-run.ts) against
 * the built server (`npx tsc -b core/server` first): that many raw hostile sessions over
 * WebSocket and polling beside official-client canaries; prints sessions shed and canary acks.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const { values } = parseArgs({
  options: {
    inputs: { type: "string", default: "1000000" },
    seed: { type: "string", default: String(Date.now() >>> 0) },
    "no-oracle": { type: "boolean", default: false },
    hostile: { type: "string", default: "20000" },
  },
});
const total = Number(values.inputs);
const seed = Number(values.seed) >>> 0;

const protocol = await import(new URL("../../core/protocol/dist/index.js", import.meta.url).href).catch((err) => {
  console.error("cannot load core/protocol/dist: run `npx tsc -b core/protocol` first\n", err.message);
  process.exit(2);
});
// One in-memory bundle of the generators and the checks (type-only imports vanish).
const bundle = await build({
  stdin: {
    contents: 'export * from "./fuzz-inputs.ts"; export * from "./fuzz-checks.ts"; export * from "../reliability/hostile-run.ts";',
    resolveDir: here("."),
    loader: "ts",
  },
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  write: false,
});
const fuzz = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].contents).toString("base64")}`);

const require = createRequire(import.meta.url);
const oracle = values["no-oracle"] ? null : require("socket.io-parser");
const engineOracle = values["no-oracle"] ? null : require("engine.io-parser");

const counts = {
  socket: { valid: 0, rejected: 0 },
  engine: { valid: 0, rejected: 0 },
  oracle: { accepted: 0, rejected: 0 },
  encoder: { binary: 0, text: 0 },
  engineOracle: { accepted: 0, rejected: 0 },
  extremeSocket: { valid: 0, rejected: 0 },
  extremeEngine: { valid: 0, rejected: 0 },
};
const rng = fuzz.mulberry32(seed);
const started = performance.now();
let lastReport = started;

console.log(`fuzzing @switchboard/protocol: ${total} inputs, seed ${seed}${oracle ? ", with socket.io-parser and engine.io-parser as oracles" : ""}`);
for (let index = 0; index < total; index++) {
  let input;
  try {
    if (index % 100 === 1) {
      // Two inputs in a hundred: the extremes (deep, oversized, huge counts, invalid UTF-8).
      input = fuzz.extremeSocketSequence(rng);
      counts.extremeSocket[fuzz.checkSocketSequence(protocol, input)]++;
    } else if (index % 100 === 3) {
      input = fuzz.extremeEngineInput(rng);
      counts.extremeEngine[fuzz.checkEngineInput(protocol, input.kind, input.input)]++;
    } else if (oracle && index % 10 === 9) {
      // Every tenth input: the encoder oracle (our frames === socket.io-parser's, and decodable).
      input = fuzz.randomEncodablePacket(protocol, rng);
      counts.encoder[fuzz.checkEncoderAgainstOracle(protocol, () => new oracle.Encoder(), input) ? "binary" : "text"]++;
    } else if (index % 2 === 0) {
      input = fuzz.socketSequence(rng);
      counts.socket[fuzz.checkSocketSequence(protocol, input)]++;
      if (oracle && typeof input[0] === "string") {
        const ok = fuzz.checkAgainstOracle(protocol, () => new oracle.Decoder(), input[0]);
        counts.oracle[ok ? "accepted" : "rejected"]++;
      }
    } else {
      input = fuzz.engineInput(rng);
      counts.engine[fuzz.checkEngineInput(protocol, input.kind, input.input)]++;
      if (engineOracle) counts.engineOracle[fuzz.checkEngineAgainstOracle(protocol, engineOracle, input.kind, input.input) ? "accepted" : "rejected"]++;
    }
  } catch (err) {
    console.error(fuzz.describeFailure(seed, index, input, err).slice(0, 4000));
    if (err instanceof Error && err.stack) console.error(err.stack);
    process.exit(1);
  }
  const now = performance.now();
  if (now - lastReport > 5000) {
    lastReport = now;
    console.log(`  ${index + 1} inputs, ${Math.round(((index + 1) * 1000) / (now - started))} inputs/s`);
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(`done: ${total} inputs in ${seconds.toFixed(1)} s (${Math.round(total / seconds)} inputs/s)`);
console.log(`  socket.io sequences: ${counts.socket.valid} valid, ${counts.socket.rejected} rejected`);
console.log(`  engine.io inputs:    ${counts.engine.valid} valid, ${counts.engine.rejected} rejected`);
console.log(`  extreme socket.io:   ${counts.extremeSocket.valid} valid, ${counts.extremeSocket.rejected} rejected`);
console.log(`  extreme engine.io:   ${counts.extremeEngine.valid} valid, ${counts.extremeEngine.rejected} rejected`);
if (oracle) {
  console.log(`  oracle frames:       ${counts.oracle.accepted} accepted by socket.io-parser, ${counts.oracle.rejected} rejected by both`);
  console.log(`  encoder oracle:      ${counts.encoder.binary} binary and ${counts.encoder.text} text packets encoded identically`);
  console.log(
    `  engine oracle:       ${counts.engineOracle.accepted} accepted by engine.io-parser (same packets when we accept too), ${counts.engineOracle.rejected} rejected by both`,
  );
}

const hostileSessions = Number(values.hostile);
if (hostileSessions > 0) {
  const server = await import(new URL("../../core/server/dist/index.js", import.meta.url).href).catch((err) => {
    console.error("cannot load core/server/dist: run `npx tsc -b core/server` first\n", err.message);
    process.exit(2);
  });
  const { WebSocket } = require("ws");
  const { io: ioc } = require("socket.io-client");
  console.log(`\nhostile sessions against the built Server: ${hostileSessions} sessions, seed ${seed}, WebSocket and polling, 2 canaries`);
  const report = await fuzz.runHostileSessions(
    { protocol, Server: server.Server, WebSocket, ioc },
    { sessions: hostileSessions, seed, concurrency: 16, onProgress: (done) => console.log(`  ${done} sessions`) },
  );
  const total = report.sessions.websocket + report.sessions.polling;
  console.log(`done: ${total} sessions in ${report.seconds.toFixed(1)} s (${Math.round(total / report.seconds)} sessions/s)`);
  console.log(`  sessions:            ${report.sessions.websocket} over WebSocket, ${report.sessions.polling} over polling`);
  console.log(
    `  expected:            ${report.expected.malformed} malformed, ${report.expected.ended} ended by a valid close/ping, ${report.expected.valid} valid`,
  );
  console.log(
    `  shed by the server:  ${report.shed} (${Object.entries(report.serverCloses)
      .filter(([r]) => r !== "transport close")
      .map(([r, n]) => `${r}: ${n}`)
      .join(", ")})`,
  );
  console.log(`  canary acks:         ${report.canary.acked} of ${report.canary.sent} received`);
  console.log(`  uncaught:            ${report.uncaught.length}, violations: ${report.violations.length + report.canary.failures.length}`);
  for (const line of [...report.uncaught, ...report.violations, ...report.canary.failures].slice(0, 20)) console.error(`  ! ${line}`);
  if (report.uncaught.length + report.violations.length + report.canary.failures.length > 0 || report.canary.acked !== report.canary.sent) {
    process.exit(1);
  }
}
