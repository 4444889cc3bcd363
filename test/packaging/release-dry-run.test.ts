import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** `npm run release -- --dry-run`: every package would ship a complete tarball (README, LICENSE, CHANGELOG, dist, the sources its maps point at, no tests). */
it("checks every tarball a release would publish", async () => {
  const { stdout } = await run("node", ["scripts/release.mjs", "--dry-run"], { cwd: new URL("../..", import.meta.url).pathname });
  const lines = stdout.trim().split("\n");
  expect(lines.filter((line) => line.startsWith("FAIL"))).toEqual([]);
  expect(lines.filter((line) => line.startsWith("ok "))).toHaveLength(9);
  expect(lines.at(-1)).toBe("release --dry-run: 9 packages checked; nothing was changed");
}, 60_000);
