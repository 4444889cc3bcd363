/** Jest in ESM mode with SWC: the same setup carries the ESM-only Fastify 5 and NestJS 12 packages. */
const swc = [
  "@swc/jest",
  {
    jsc: {
      target: "es2022",
      parser: { syntax: "typescript", decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
    module: { type: "es6" },
    sourceMaps: "inline",
  },
];

/** What every project shares: ESM, SWC, the sources instead of the build output. */
const shared = {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  transform: { "^.+\\.ts$": swc },
  testPathIgnorePatterns: ["/node_modules/", "/dist/"],
  moduleNameMapper: {
    // Tests run against the sources, not the build output.
    "^@switchboard/protocol$": "<rootDir>/core/protocol/src/index.ts",
    "^@switchboard/engine$": "<rootDir>/core/engine/src/index.ts",
    "^@switchboard/server$": "<rootDir>/core/server/src/index.ts",
    "^@switchboard/server/framework$": "<rootDir>/core/server/src/framework/index.ts",
    "^@switchboard/client$": "<rootDir>/core/client/src/index.ts",
    "^@switchboard/fastify$": "<rootDir>/integrations/fastify/src/index.ts",
    "^@switchboard/express$": "<rootDir>/integrations/express/src/index.ts",
    "^@switchboard/nestjs$": "<rootDir>/integrations/nestjs/src/index.ts",
    "^@switchboard/redis-adapter$": "<rootDir>/adapters/redis/src/index.ts",
    "^@switchboard/redis-streams-adapter$": "<rootDir>/adapters/redis-streams/src/index.ts",
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
};

/** Suites that need a system package (Chromium, redis-server, PostgreSQL), child processes or packing. */
const SYSTEM = ["browser", "redis", "redis-streams", "ecosystem", "fuzz", "packaging", "reliability", "soak"];

/**
 * Three projects, so each can run alone: `unit` (beside the code, seconds), `integration` (real
 * servers and clients on loopback), `system` (browsers, Redis, PostgreSQL, processes, tarballs).
 * `npm test` runs all three.
 */
const projects = [
  {
    ...shared,
    displayName: "unit",
    testMatch: ["<rootDir>/core/*/src/**/*.test.ts", "<rootDir>/adapters/*/src/**/*.test.ts", "<rootDir>/integrations/*/src/**/*.test.ts"],
  },
  {
    ...shared,
    displayName: "integration",
    testMatch: ["<rootDir>/test/**/*.test.ts"],
    testPathIgnorePatterns: [...shared.testPathIgnorePatterns, ...SYSTEM.map((dir) => `<rootDir>/test/${dir}/`)],
  },
  {
    ...shared,
    displayName: "system",
    testMatch: SYSTEM.map((dir) => `<rootDir>/test/${dir}/**/*.test.ts`),
  },
];

// `npm run test:unit -- <path>` and the like pick one project through JEST_PROJECT: Jest's
// --selectProjects would swallow the paths that follow it as more project names.
const only = process.env.JEST_PROJECT;
if (only !== undefined && !projects.some((project) => project.displayName === only)) throw new Error(`JEST_PROJECT: no project named ${only}`);

export default {
  testTimeout: 15000,
  // On 2 cores Jest runs every file in its main process (one worker or less: in band), so a handle
  // left open by a test that failed half-way (a server restarted after its timeout) would keep a
  // CI run alive until the job's limit, its result long known. CI exits once the results are in.
  forceExit: process.env.CI === "true",
  projects: only === undefined ? projects : projects.filter((project) => project.displayName === only),
};
