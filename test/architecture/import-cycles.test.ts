import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildImportGraph, findCycles, formatCycle, runtimeSpecifiers } from "./import-graph.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function packageDirs(): string[] {
  return ["core", "adapters", "integrations"].flatMap((group) =>
    readdirSync(join(root, group), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(root, group, d.name)),
  );
}

describe("runtime import graph of core, adapters and integrations", () => {
  it("has no cycle", () => {
    const graph = buildImportGraph(packageDirs());
    expect(graph.size).toBeGreaterThan(50); // the sources were found
    expect(findCycles(graph).map((c) => formatCycle(c, root))).toEqual([]);
  });
});

describe("import-graph", () => {
  it("counts value imports and re-exports, not type-only ones", () => {
    const source = [
      'import { a } from "./a.js";',
      'import type { B } from "./b.js";',
      'import { type C, type D } from "./c.js";',
      'import { type E, f } from "./e.js";',
      'import * as g from "./g.js";',
      'import h, { type H } from "./h.js";',
      'import "./side-effect.js";',
      'export { i } from "./i.js";',
      'export type { J } from "./j.js";',
      'export * from "./k.js";',
      "export const l = 1;",
      '// import { m } from "./m.js";',
      "import {",
      "  type N,",
      "  o,",
      '} from "./o.js";',
    ].join("\n");
    expect(runtimeSpecifiers(source)).toEqual(["./a.js", "./e.js", "./g.js", "./h.js", "./side-effect.js", "./i.js", "./k.js", "./o.js"]);
  });

  it("finds a runtime cycle and ignores one closed by a type-only import", () => {
    const dir = mkdtempSync(join(tmpdir(), "import-graph-"));
    try {
      const pkg = join(dir, "pkg");
      mkdirSync(join(pkg, "src"), { recursive: true });
      writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "@x/pkg" }));
      writeFileSync(join(pkg, "src", "index.ts"), 'export * from "./a.js";\n');
      writeFileSync(join(pkg, "src", "a.ts"), 'import { b } from "./b.js";\nexport const a = () => b;\n');
      writeFileSync(join(pkg, "src", "b.ts"), 'import { c } from "./c.js";\nexport const b = () => c;\n');
      writeFileSync(join(pkg, "src", "c.ts"), 'import { a } from "./a.js";\nexport const c = () => a;\n');
      writeFileSync(join(pkg, "src", "d.ts"), 'import type { E } from "./e.js";\nexport type D = E;\n');
      writeFileSync(join(pkg, "src", "e.ts"), 'import { type D } from "./d.js";\nexport type E = D;\n');
      const cycles = findCycles(buildImportGraph([pkg])).map((c) => formatCycle(c, join(pkg, "src")));
      expect(cycles).toEqual(["a.ts -> b.ts -> c.ts -> a.ts"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
