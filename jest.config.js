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

export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  transform: { "^.+\\.ts$": swc },
  testMatch: ["<rootDir>/core/*/src/**/*.test.ts", "<rootDir>/adapters/*/src/**/*.test.ts", "<rootDir>/integrations/*/src/**/*.test.ts", "<rootDir>/test/**/*.test.ts"],
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
  testTimeout: 15000,
};
