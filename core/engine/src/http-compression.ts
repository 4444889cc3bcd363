import { deflate, gzip } from "node:zlib";

export type HttpEncoding = "gzip" | "deflate";

/** The best encoding a request accepts among gzip and deflate (q=0 refuses), or null. */
export function pickEncoding(acceptEncoding: string | string[] | undefined): HttpEncoding | null {
  if (!acceptEncoding) return null;
  const text = Array.isArray(acceptEncoding) ? acceptEncoding.join(",") : acceptEncoding;
  let best: HttpEncoding | null = null;
  let bestQ = 0;
  for (const part of text.split(",")) {
    const [rawName, ...params] = part.trim().split(";");
    const name = rawName.trim().toLowerCase();
    let q = 1;
    for (const param of params) {
      const [key, value] = param.trim().split("=");
      if (key === "q") q = Number(value);
    }
    const candidates: HttpEncoding[] = name === "*" ? ["gzip"] : name === "gzip" || name === "deflate" ? [name] : [];
    for (const candidate of candidates) {
      // Ties keep the first listed; gzip wins over deflate at equal weight.
      if (q > bestQ || (q === bestQ && candidate === "gzip" && best === "deflate")) {
        best = candidate;
        bestQ = q;
      }
    }
  }
  return bestQ > 0 ? best : null;
}

/** Compresses a polling response body. */
export function compressBody(data: string | Buffer, encoding: HttpEncoding, callback: (err: Error | null, result: Buffer) => void): void {
  (encoding === "gzip" ? gzip : deflate)(data, callback);
}
