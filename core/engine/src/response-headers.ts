import type { ServerResponse } from "node:http";

/** The headers set so far on a response, as plain values (numbers as strings), ready to copy. */
export function responseHeaders(res: ServerResponse): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(res.getHeaders())) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value : String(value);
  }
  return out;
}
