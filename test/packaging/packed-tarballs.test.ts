import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { buildPackages, createScratchApp, type Run, type ScratchApp } from "./scratch-app.js";

// The packages as users get them: `npm pack` of every workspace, installed into an app outside the
// workspace with their dependencies from the registry, compiled with `strict` and
// `skipLibCheck: false` (every published .d.ts must resolve what it imports) as an ES module and
// as CommonJS (Node >= 20.19 `require()`s our ES modules), then run.

let app: ScratchApp | undefined;
let compiled: Run;

beforeAll(async () => {
  await buildPackages();
  app = await createScratchApp();
  compiled = await app.compile();
}, 240_000);

afterAll(() => {
  app?.remove();
});

const EXPECTED = {
  loaded: ["function", "function", "function", "function"],
  server: { hello: "server", answer: "server pong 1" },
  engine: { upgrades: ["websocket"], posted: "ok", received: "hi engine" },
  express: { hello: "express", answer: "express pong 1" },
  fastify: { hello: "fastify", answer: "fastify pong 1" },
};

/** The app's report, with its stderr when it failed (Node's require(esm) warning aside). */
function outcome(result: Run): { code: number | null; report: unknown; stderr: string } {
  const line = result.stdout.split("\n").find((l) => l.startsWith("{"));
  return { code: result.code, report: line === undefined ? result.stdout : JSON.parse(line), stderr: result.code === 0 ? "" : result.stderr };
}

describe("the packed packages in a fresh app", () => {
  it("type-check with strict and skipLibCheck false, as ESM and as CommonJS", () => {
    expect({ code: compiled.code, diagnostics: compiled.stdout.trim() }).toEqual({ code: 0, diagnostics: "" });
  });

  it("run as an ES module: Server, Express and Fastify answer the client, with acks; the bare engine answers a handshake", async () => {
    expect(outcome(await app!.start("esm"))).toEqual({ code: 0, report: EXPECTED, stderr: "" });
  }, 60_000);

  it("run as CommonJS (require of the ES module packages)", async () => {
    expect(outcome(await app!.start("cjs"))).toEqual({ code: 0, report: EXPECTED, stderr: "" });
  }, 60_000);
});
