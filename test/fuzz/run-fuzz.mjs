#!/usr/bin/env node
/**
 * Long-run fuzzer for @switchboard/protocol's decoders, against the built package (build first:
 * `npx tsc -b core/protocol`). Node 20 cannot run TypeScript, so the shared generators and checks
 * (fuzz-inputs.ts, fuzz-checks.ts) are bundled in memory with esbuild; they import nothing else
 * at run time.
 *
 *   node test/fuzz/run-fuzz.mjs [--inputs 1000000] [--seed 12345] [--no-oracle]
 *
 * Targets: the Socket.IO Decoder (chunk sequences), the Engine.IO packet/payload decoders, and
 * socket.io-parser and engine.io-parser as oracles (skip them with --no-oracle).
 * Prints inputs tried, valid vs rejected counts per target and throughput; exits 1 on the first
 * property violation, printing the seed and index that reproduce it.
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
  stdin: { contents: 'export * from "./fuzz-inputs.ts"; export * from "./fuzz-checks.ts";', resolveDir: here("."), loader: "ts" },
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
};
const rng = fuzz.mulberry32(seed);
const started = performance.now();
let lastReport = started;

console.log(`fuzzing @switchboard/protocol: ${total} inputs, seed ${seed}${oracle ? ", with socket.io-parser and engine.io-parser as oracles" : ""}`);
for (let index = 0; index < total; index++) {
  let input;
  try {
    if (oracle && index % 10 === 9) {
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
    console.error(fuzz.describeFailure(seed, index, input, err));
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
if (oracle) {
  console.log(`  oracle frames:       ${counts.oracle.accepted} accepted by socket.io-parser, ${counts.oracle.rejected} rejected by both`);
  console.log(`  encoder oracle:      ${counts.encoder.binary} binary and ${counts.encoder.text} text packets encoded identically`);
  console.log(`  engine oracle:       ${counts.engineOracle.accepted} accepted by engine.io-parser (same packets when we accept too), ${counts.engineOracle.rejected} rejected by both`);
}
