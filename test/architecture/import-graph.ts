/**
 * The runtime import graph of the packages' sources, read from their `import` / `export ... from`
 * statements, and the cycles in it. Type-only imports (`import type`, `import { type A }` with every
 * name marked `type`, `export type ... from`) are erased by TypeScript and are not edges.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export type ImportGraph = Map<string, string[]>;

// A clause holds identifiers, braces, commas, `*`, `as`, `type`: no parens, quotes or `=`, so a
// match never spans two statements.
const STATEMENT = /^[ \t]*(import|export)[ \t]+(type[ \t]+)?([\w$\s{},*]*?)[ \t\n]*from[ \t]*["']([^"']+)["']|^[ \t]*import[ \t]*["']([^"']+)["']/gm;

/** The specifiers a source imports at runtime. */
export function runtimeSpecifiers(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(STATEMENT)) {
    if (m[5] !== undefined) {
      found.push(m[5]); // side-effect import
      continue;
    }
    const [, keyword, typeOnly, clause = "", specifier = ""] = m;
    if (typeOnly) continue;
    if (keyword === "export" && !/^\s*(\*|\{)/.test(clause)) continue; // not a re-export
    if (isTypeOnlyNamedClause(clause)) continue;
    found.push(specifier);
  }
  return found;
}

/** `{ type A, type B as C }` with nothing else: erased under `verbatimModuleSyntax`. */
function isTypeOnlyNamedClause(clause: string): boolean {
  const trimmed = clause.trim();
  if (!/^\{[\s\S]*\}$/.test(trimmed)) return false; // a default or namespace import is a value
  const names = trimmed
    .slice(1, -1)
    .split(",")
    .map((n) => n.trim())
    .filter((n) => n !== "");
  return names.length > 0 && names.every((n) => /^type\s/.test(n));
}

/** Source files (not tests, not declarations) under a directory. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.ts$/.test(entry) && !/\.(test|d)\.ts$/.test(entry)) out.push(path);
  }
  return out;
}

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, ".ts"), base, `${base}.ts`, join(base, "index.ts")];
  return candidates.find((c) => c.endsWith(".ts") && existsSync(c));
}

/**
 * The graph of every `src` of the packages matched by `packageDirs` (absolute paths). `@scope/name`
 * imports of a package in the set become an edge to that package's `src/index.ts`.
 */
export function buildImportGraph(packageDirs: string[]): ImportGraph {
  const packages = new Map<string, string>();
  for (const dir of packageDirs) {
    const manifest = join(dir, "package.json");
    const index = join(dir, "src", "index.ts");
    if (existsSync(manifest) && existsSync(index)) {
      packages.set((JSON.parse(readFileSync(manifest, "utf8")) as { name: string }).name, index);
    }
  }
  const graph: ImportGraph = new Map();
  for (const dir of packageDirs) {
    const src = join(dir, "src");
    if (!existsSync(src)) continue;
    for (const file of sourceFiles(src)) {
      const edges: string[] = [];
      for (const specifier of runtimeSpecifiers(readFileSync(file, "utf8"))) {
        const target = specifier.startsWith(".") ? resolveRelative(file, specifier) : packages.get(specifier);
        if (target !== undefined) edges.push(target);
      }
      graph.set(file, edges);
    }
  }
  return graph;
}

/** Each elementary cycle found by a depth-first search, once, as a path that returns to its start. */
export function findCycles(graph: ImportGraph): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const done = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (node: string): void => {
    seen.add(node);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (onStack.has(next)) {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        const key = [...cycle.slice(0, -1)].sort().join("\n");
        if (!done.has(key)) {
          done.add(key);
          cycles.push(cycle);
        }
      } else if (!seen.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    onStack.delete(node);
  };
  for (const node of [...graph.keys()].sort()) if (!seen.has(node)) visit(node);
  return cycles;
}

/** A cycle as `a.ts -> b.ts -> a.ts`, paths relative to `root`. */
export function formatCycle(cycle: string[], root: string): string {
  return cycle.map((p) => relative(root, p)).join(" -> ");
}
