#!/usr/bin/env node
// Versions, packs and checks every published package.
//
//   npm run release -- --dry-run [patch|minor|major]   what would be released, every tarball checked; nothing changes
//   npm run release -- [patch|minor|major]             lerna versions the packages (no git tag, no push), then
//                                                        packs each into release/ after the same checks
//
// Run `npm run build` first: the tarballs carry dist/.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const dryRun = args.includes("--dry-run");
const bump = args.find((arg) => !arg.startsWith("--")) ?? "patch";
if (!["patch", "minor", "major"].includes(bump)) {
  console.error(`release: unknown bump "${bump}" (patch, minor or major)`);
  process.exit(2);
}

const run = (cmd, cmdArgs, cwd = root) => execFileSync(cmd, cmdArgs, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** lerna knows the packages and their order (dependencies first). */
const packages = JSON.parse(run("npx", ["lerna", "ls", "--json", "--toposort", "--loglevel", "silent"]));

function nextVersion(version) {
  const [major, minor, patch] = version.split(".").map(Number);
  if (bump === "major") return `${major + 1}.0.0`;
  if (bump === "minor") return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

/** What must be in a tarball, and what must not. */
function problemsOf(files) {
  const paths = new Set(files.map((f) => f.path));
  const problems = [];
  for (const required of ["package.json", "README.md", "LICENSE", "CHANGELOG.md", "dist/index.js", "dist/index.d.ts"]) {
    if (!paths.has(required)) problems.push(`missing ${required}`);
  }
  for (const path of paths) {
    if (/\.test\.(ts|js|d\.ts|js\.map|d\.ts\.map)$/.test(path)) problems.push(`ships a test: ${path}`);
    if (path.startsWith("scripts/")) problems.push(`ships a build script: ${path}`);
  }
  return { paths, problems };
}

/** Every declaration map must point at a source that is in the tarball. */
function mapProblems(location, paths) {
  const problems = [];
  for (const path of paths) {
    if (!path.endsWith(".d.ts.map")) continue;
    const map = JSON.parse(readFileSync(join(location, path), "utf8"));
    for (const source of map.sources ?? []) {
      const shipped = normalize(relative(location, join(location, dirname(path), source)));
      if (!paths.has(shipped)) problems.push(`${path} points at ${shipped}, which is not shipped`);
    }
  }
  return problems;
}

let failed = 0;
const rows = [];
for (const pkg of packages) {
  const [report] = JSON.parse(run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], pkg.location));
  const { paths, problems } = problemsOf(report.files);
  problems.push(...mapProblems(pkg.location, paths));
  if (problems.length > 0) failed++;
  rows.push({ name: pkg.name, from: pkg.version, to: nextVersion(pkg.version), files: report.files.length, kB: Math.round(report.size / 1024), problems });
}

for (const row of rows) {
  console.log(`${row.problems.length ? "FAIL" : "ok  "} ${row.name} ${row.from} -> ${row.to}  ${row.files} files, ${row.kB} kB packed`);
  for (const problem of row.problems) console.log(`       ${problem}`);
}
if (failed > 0) {
  console.error(`release: ${failed} package(s) would ship a broken tarball`);
  process.exit(1);
}
if (dryRun) {
  console.log(`release --dry-run: ${rows.length} packages checked; nothing was changed`);
  process.exit(0);
}

run("npx", ["lerna", "version", bump, "--no-git-tag-version", "--no-push", "--yes", "--loglevel", "warn"]);
const out = join(root, "release");
mkdirSync(out, { recursive: true });
for (const pkg of packages) run("npm", ["pack", "--pack-destination", out], pkg.location);
console.log(`release: ${rows.length} packages versioned (${bump}) and packed into release/`);
