/** Content codings the client bundle is served in, besides identity. */
export type BundleEncoding = "br" | "gzip";

const SUPPORTED: readonly BundleEncoding[] = ["br", "gzip"];

/**
 * The coding to answer with, from an `Accept-Encoding` header: the highest `q` among `br` and
 * `gzip` (`*` stands for those not named), ties going to the one the client listed first, then to
 * `br`; `null` for identity (no header, `q=0` everywhere, or only codings we do not offer).
 *
 * @example
 * pickContentEncoding("gzip, deflate, br") // "gzip"
 * pickContentEncoding("br;q=1, gzip;q=0.8") // "br"
 */
export function pickContentEncoding(header: string | string[] | undefined): BundleEncoding | null {
  if (!header) return null;
  const text = Array.isArray(header) ? header.join(",") : header;
  const named = new Map<string, { q: number; order: number }>();
  let wildcard: { q: number; order: number } | undefined;
  text.split(",").forEach((part, order) => {
    const [rawName = "", ...params] = part.split(";");
    const name = rawName.trim().toLowerCase();
    if (!name) return;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split("=").map((s) => s.trim());
      if (key?.toLowerCase() === "q") q = Number(value);
    }
    if (!Number.isFinite(q)) q = 0;
    if (name === "*") wildcard = { q, order };
    else if (!named.has(name)) named.set(name, { q, order });
  });
  let best: BundleEncoding | null = null;
  let bestQ = 0;
  let bestOrder = Infinity;
  for (const coding of SUPPORTED) {
    const weight = named.get(coding) ?? wildcard;
    if (!weight || weight.q <= 0) continue;
    if (weight.q > bestQ || (weight.q === bestQ && weight.order < bestOrder)) {
      best = coding;
      bestQ = weight.q;
      bestOrder = weight.order;
    }
  }
  return best;
}
