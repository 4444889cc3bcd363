/**
 * Whether a request URL targets the engine's path. With `addTrailingSlash` the path is
 * `/engine.io/` (what clients send by default) and anything under it matches.
 *
 * @example
 * createPathMatcher("/engine.io", true)("/engine.io/?EIO=4&transport=polling") // true
 */
export function createPathMatcher(path: string, addTrailingSlash: boolean): (url: string | undefined) => boolean {
  const base = path.replace(/\/$/, "");
  if (addTrailingSlash) {
    const prefix = `${base}/`;
    return (url) => url !== undefined && url.startsWith(prefix);
  }
  return (url) => {
    if (url === undefined || !url.startsWith(base)) return false;
    const next = url.charAt(base.length);
    return next === "" || next === "?" || next === "/";
  };
}
