import { inspect } from "node:util";
/** Options of the session cookie (`cookie: true` or an object), as engine.io accepts them. */
export interface CookieOptions {
  /** Cookie name (an RFC 6265 token). Default "io". */
  name?: string;
  /** `Path` attribute; `false` leaves it out. Default "/". */
  path?: string | false;
  /** `Domain` attribute: a host name, such as "example.com". */
  domain?: string;
  httpOnly?: boolean;
  secure?: boolean;
  /** `SameSite` attribute, in any case; `true` means "strict", `false` leaves it out. Default "lax". */
  sameSite?: boolean | "lax" | "strict" | "none";
  /** `Max-Age` attribute, in seconds (rounded down). */
  maxAge?: number;
  expires?: Date;
}

/** Cookie options once validated: defaults filled and `sameSite` lower-cased. */
export interface ResolvedCookieOptions extends CookieOptions {
  name: string;
}

/** Stable code of the TypeError thrown for an invalid cookie option. */
export const INVALID_COOKIE_OPTION = "INVALID_COOKIE_OPTION";

/** An RFC 7230 token: what a header name and an RFC 6265 cookie-name are made of. */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 6265 path-value: any US-ASCII character but controls and ";".
const PATH_RE = /^[\x20-\x3a\x3c-\x7e]*$/;
// RFC 6265 domain-value: a host name of RFC 1034 labels; a leading dot is allowed (user agents drop it).
const DOMAIN_RE = /^\.?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const SAME_SITE = new Set(["lax", "strict", "none"]);

function invalid(field: string, expected: string, value: unknown): TypeError {
  const shown = value instanceof Date ? "an invalid Date" : typeof value === "string" ? JSON.stringify(value) : String(value);
  return Object.assign(new TypeError(`engine option "cookie.${field}" must be ${expected} (got ${shown})`), { code: INVALID_COOKIE_OPTION });
}

function checkBoolean(field: string, value: unknown): void {
  if (value !== undefined && typeof value !== "boolean") throw invalid(field, "a boolean", value);
}

/**
 * Validates every field (all optional but `name`); returns a copy with `sameSite` lower-cased and
 * `null` fields left out (engine.io skips them too).
 */
function checkCookieFields(opts: ResolvedCookieOptions): ResolvedCookieOptions {
  const checked = { ...opts };
  for (const key of Object.keys(checked) as Array<keyof ResolvedCookieOptions>) if (checked[key] === null) delete checked[key];
  const { name, path, domain, sameSite, maxAge, expires } = checked;
  if (typeof name !== "string" || !HTTP_TOKEN.test(name)) throw invalid("name", "a token (letters, digits and !#$%&'*+-.^_`|~)", name);
  if (path !== undefined && path !== false && (typeof path !== "string" || !PATH_RE.test(path))) {
    throw invalid("path", "false or a string of printable US-ASCII characters without ';'", path);
  }
  if (domain !== undefined && (typeof domain !== "string" || (domain !== "" && !DOMAIN_RE.test(domain)))) {
    throw invalid("domain", "a host name (letters, digits, '-' and '.')", domain);
  }
  if (sameSite !== undefined && typeof sameSite !== "boolean") {
    const lower = typeof sameSite === "string" ? sameSite.toLowerCase() : "";
    if (!SAME_SITE.has(lower)) throw invalid("sameSite", 'true, false, "lax", "strict" or "none" (any case)', sameSite);
    checked.sameSite = lower as "lax" | "strict" | "none";
  }
  if (maxAge !== undefined && (typeof maxAge !== "number" || !Number.isFinite(maxAge))) throw invalid("maxAge", "a finite number of seconds", maxAge);
  if (expires !== undefined && (!(expires instanceof Date) || Number.isNaN(expires.getTime()))) throw invalid("expires", "a valid Date", expires);
  checkBoolean("httpOnly", checked.httpOnly);
  checkBoolean("secure", checked.secure);
  return checked;
}

/**
 * Validates every field of the `cookie` option and fills engine.io's defaults (`name: "io"`,
 * `path: "/"`, `httpOnly: true`, `sameSite: "lax"`); `false`, `null` or `undefined` means no cookie.
 * Throws a TypeError with code `INVALID_COOKIE_OPTION` whose message names the field.
 *
 * @example
 * resolveCookieOptions({ name: "sid", sameSite: "Strict" }) // { name: "sid", path: "/", httpOnly: true, sameSite: "strict" }
 * resolveCookieOptions({ domain: "a;b" })                  // throws: engine option "cookie.domain" must be ...
 */
export function resolveCookieOptions(value: unknown): ResolvedCookieOptions | false {
  if (value === undefined || value === null || value === false) return false;
  if (value !== true && (typeof value !== "object" || value === null || Array.isArray(value))) {
    throw Object.assign(new TypeError(`engine option "cookie" must be a boolean or an object (got ${inspect(value)})`), { code: INVALID_COOKIE_OPTION });
  }
  return checkCookieFields({ name: "io", path: "/", httpOnly: true, sameSite: "lax", ...(value === true ? {} : (value as CookieOptions)) });
}

/**
 * Serializes one `Set-Cookie` value. Options are validated again, so what it returns is always a
 * valid header value; it throws (TypeError, code `INVALID_COOKIE_OPTION`) rather than write an
 * attribute it cannot vouch for.
 *
 * @example
 * serializeCookie("io", "abc", { path: "/", httpOnly: true, sameSite: "lax" }) // "io=abc; Path=/; HttpOnly; SameSite=Lax"
 */
export function serializeCookie(name: string, value: string, opts: CookieOptions = {}): string {
  const checked = checkCookieFields({ ...opts, name });
  let out = `${name}=${encodeURIComponent(value)}`;
  if (checked.maxAge !== undefined) out += `; Max-Age=${Math.floor(checked.maxAge)}`;
  if (checked.domain) out += `; Domain=${checked.domain}`;
  if (checked.path) out += `; Path=${checked.path}`;
  if (checked.expires) out += `; Expires=${checked.expires.toUTCString()}`;
  if (checked.httpOnly) out += "; HttpOnly";
  if (checked.secure) out += "; Secure";
  if (checked.sameSite) {
    const same = checked.sameSite === true ? "strict" : checked.sameSite;
    out += `; SameSite=${same.charAt(0).toUpperCase()}${same.slice(1)}`;
  }
  return out;
}
