// Lint: typescript-eslint's type-aware rules (floating promises, misused async, unsafe any) on every
// TypeScript file, the syntax-only rules on the plain JavaScript (bench, scripts, fixtures, browser
// example), Prettier owns the formatting. `npm run lint` runs it with zero warnings allowed.
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

export default tseslint.config(
  { ignores: ["**/dist/", "**/node_modules/", "bench/results/", "coverage/"] },
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // Unit tests are excluded from their package's build and type-checked by test/tsconfig.json.
        project: [
          "./core/*/tsconfig.json",
          "./adapters/*/tsconfig.json",
          "./integrations/*/tsconfig.json",
          "./examples/*/tsconfig.json",
          "./test/tsconfig.json",
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // tsc owns unused names (noUnusedLocals, noUnusedParameters) and counts the JSDoc {@link} uses.
      "@typescript-eslint/no-unused-vars": "off",
      // An async function implementing a Promise-returning contract need not await; the promise rules
      // below catch the misuse that matters.
      "@typescript-eslint/require-await": "off",
      // Decoders compare numbers read off the wire with the PacketType constants on purpose.
      "@typescript-eslint/no-unsafe-enum-comparison": "off",
      // Empty interfaces are the idiom for event maps and option extension points.
      "@typescript-eslint/no-empty-object-type": ["error", { allowInterfaces: "always" }],
      // Ack errors and rejections from user code are whatever they are; they pass through unchanged.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingAny: true, allowThrowingUnknown: true }],
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
    },
  },
  {
    // Nest's metadata API is typed with `Function` (Type, ExecutionContext.getHandler, class metadata).
    files: ["integrations/nestjs/src/**/*.ts"],
    rules: { "@typescript-eslint/no-unsafe-function-type": "off" },
  },
  {
    // Tests drive untyped peers (socket.io-client 2.x, admin-ui, browser pages) and poke at internals:
    // the `any` rules stay for the library code; the promise rules stay everywhere.
    files: ["test/**/*.ts", "**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // `expect(obj.method).toHaveBeenCalled()` and friends pass methods unbound on purpose.
      "@typescript-eslint/unbound-method": "off",
      // Frames and Redis replies are stringified whatever they hold; a wrong one fails the assertion.
      "@typescript-eslint/no-base-to-string": "off",
    },
  },
  prettier,
);
