import type { IncomingMessage, ServerResponse } from "node:http";
import debugModule from "debug";
import type { EngineMiddleware } from "./middleware-runner.js";

const debug = debugModule("switchboard:engine");

/** Origins already reported as refused: each is logged once, not at every request. */
const reported = new Set<string>();
const MAX_REPORTED = 1000;

function reportRefused(origin: string, allowed: StaticOrigin): void {
  if (!debug.enabled || reported.has(origin) || reported.size >= MAX_REPORTED) return;
  reported.add(origin);
  const list = (Array.isArray(allowed) ? allowed : [allowed]).map(String).join(", ");
  debug("origin %s refused by the cors option (allowed: %s); browsers will not read the answers", origin, list);
}

type StaticOrigin = boolean | string | RegExp | Array<boolean | string | RegExp>;

/** The `cors` option, shaped like socket.io's (and the `cors` package's) options. */
export interface CorsOptions {
  /** Allowed origin(s); `true` reflects the request's origin, a function decides per request. Default "*". */
  origin?: StaticOrigin | ((origin: string | undefined, callback: (err: Error | null, origin?: StaticOrigin) => void) => void);
  methods?: string | string[];
  allowedHeaders?: string | string[];
  /** Alias of `allowedHeaders` (as in the `cors` package). */
  headers?: string | string[];
  exposedHeaders?: string | string[];
  credentials?: boolean;
  maxAge?: number;
  /** Pass preflight requests on to the next middleware instead of answering them. Default false. */
  preflightContinue?: boolean;
  /** Status of a preflight answer. Default 204. */
  optionsSuccessStatus?: number;
}

function join(value: string | string[]): string {
  return Array.isArray(value) ? value.join(",") : value;
}

function matches(origin: string, allowed: StaticOrigin): boolean {
  if (Array.isArray(allowed)) return allowed.some((item) => matches(origin, item));
  if (typeof allowed === "string") return origin === allowed;
  if (allowed instanceof RegExp) return allowed.test(origin);
  return allowed;
}

function vary(res: ServerResponse, field: string): void {
  const current = res.getHeader("Vary");
  const text = current === undefined ? "" : Array.isArray(current) ? current.join(", ") : String(current);
  if (text === "*" || text.split(/\s*,\s*/).some((f) => f.toLowerCase() === field.toLowerCase())) return;
  res.setHeader("Vary", text ? `${text}, ${field}` : field);
}

function applyOrigin(req: IncomingMessage, res: ServerResponse, allowed: StaticOrigin): void {
  const origin = req.headers.origin;
  if (allowed === "*") {
    res.setHeader("Access-Control-Allow-Origin", "*");
  } else if (typeof allowed === "string") {
    res.setHeader("Access-Control-Allow-Origin", allowed);
    vary(res, "Origin");
  } else {
    if (origin !== undefined && matches(origin, allowed)) res.setHeader("Access-Control-Allow-Origin", origin);
    else if (origin !== undefined) reportRefused(origin, allowed);
    vary(res, "Origin");
  }
}

function applyHeaders(req: IncomingMessage, res: ServerResponse, opts: CorsOptions, allowed: StaticOrigin, preflight: boolean): void {
  applyOrigin(req, res, allowed);
  if (opts.credentials) res.setHeader("Access-Control-Allow-Credentials", "true");
  if (preflight) {
    res.setHeader("Access-Control-Allow-Methods", join(opts.methods ?? "GET,HEAD,PUT,PATCH,POST,DELETE"));
    const allowedHeaders = opts.allowedHeaders ?? opts.headers;
    if (allowedHeaders !== undefined) {
      res.setHeader("Access-Control-Allow-Headers", join(allowedHeaders));
    } else {
      const requested = req.headers["access-control-request-headers"];
      if (requested) res.setHeader("Access-Control-Allow-Headers", requested);
      vary(res, "Access-Control-Request-Headers");
    }
    if (opts.maxAge !== undefined) res.setHeader("Access-Control-Max-Age", String(opts.maxAge));
  }
  if (opts.exposedHeaders !== undefined && join(opts.exposedHeaders)) {
    res.setHeader("Access-Control-Expose-Headers", join(opts.exposedHeaders));
  }
}

/**
 * A middleware adding CORS headers and answering OPTIONS preflights (the engine installs it first
 * when the `cors` option is set).
 *
 * @example
 * engine.use(createCorsMiddleware({ origin: ["https://app.example"], credentials: true }))
 */
export function createCorsMiddleware(opts: CorsOptions = {}): EngineMiddleware {
  return (req, res, next) => {
    const finish = (allowed: StaticOrigin | undefined) => {
      if (allowed === undefined || allowed === false) return next();
      const preflight = req.method === "OPTIONS";
      applyHeaders(req, res, opts, allowed, preflight);
      if (preflight && !opts.preflightContinue) {
        res.statusCode = opts.optionsSuccessStatus ?? 204;
        res.setHeader("Content-Length", "0");
        res.end();
        return;
      }
      next();
    };
    const origin = opts.origin ?? "*";
    if (typeof origin !== "function") return finish(origin);
    origin(req.headers.origin, (err, resolved) => {
      if (err) return next(err);
      finish(resolved);
    });
  };
}
