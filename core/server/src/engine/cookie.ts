/** Options of the session cookie (`cookie: true` or an object), as engine.io accepts them. */
export interface CookieOptions {
  /** Cookie name. Default "io". */
  name?: string;
  path?: string | false;
  domain?: string;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: boolean | "lax" | "strict" | "none";
  maxAge?: number;
  expires?: Date;
}

const TOKEN_RE = /^[\u0021\u0023-\u002b\u002d-\u003a\u003c-\u005b\u005d-\u007e]+$/;

/**
 * Serializes one `Set-Cookie` value.
 *
 * @example
 * serializeCookie("io", "abc", { path: "/", httpOnly: true, sameSite: "lax" }) // "io=abc; Path=/; HttpOnly; SameSite=Lax"
 */
export function serializeCookie(name: string, value: string, opts: CookieOptions = {}): string {
  if (!TOKEN_RE.test(name)) throw new TypeError(`invalid cookie name "${name}"`);
  let out = `${name}=${encodeURIComponent(value)}`;
  if (opts.maxAge !== undefined) out += `; Max-Age=${Math.floor(opts.maxAge)}`;
  if (opts.domain) out += `; Domain=${opts.domain}`;
  if (opts.path) out += `; Path=${opts.path}`;
  if (opts.expires) out += `; Expires=${opts.expires.toUTCString()}`;
  if (opts.httpOnly) out += "; HttpOnly";
  if (opts.secure) out += "; Secure";
  if (opts.sameSite) {
    const same = opts.sameSite === true ? "strict" : opts.sameSite;
    out += `; SameSite=${same.charAt(0).toUpperCase()}${same.slice(1)}`;
  }
  return out;
}
