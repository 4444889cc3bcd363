/** What a failed connection attempt tells the application, beyond socket.io-client's terse message. */
export interface TransportFailure {
  /** The HTTP status the server answered with, when there was an answer. */
  status?: number;
  /** A sentence on what probably went wrong and what to check. */
  hint: string;
}

interface FailureInput {
  transport: "polling" | "websocket";
  /** The URL tried (scheme, host, port and path; the query is left out of hints). */
  url: string;
  status?: number;
  /** An engine error answer (`{"code":1,"message":"Session ID unknown"}`), as text. */
  body?: unknown;
  /** The underlying error, when the platform gives one (Node does; browsers do not). */
  error?: unknown;
}

const ENGINE_ERROR_HINTS: Record<number, string> = {
  0: "the server does not offer this transport: check the `transports` options of both sides",
  1: "the server does not know this session: with several server processes, sticky sessions are needed (or use WebSocket only)",
  2: "bad handshake method",
  3: "the server refused the request as malformed",
  4: "the server refused the connection (its `allowRequest` said no)",
  5: "the server speaks another Engine.IO version: use a 4.x client with a 4.x server, or set `allowEIO3` on the server for 2.x clients",
};

function where(url: string): { origin: string; path: string } {
  try {
    const parsed = new URL(url);
    return { origin: `${parsed.protocol}//${parsed.host}`, path: parsed.pathname };
  } catch {
    return { origin: url, path: "" };
  }
}

function engineCode(body: unknown): number | undefined {
  if (typeof body !== "string") return undefined;
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code;
    return typeof code === "number" ? code : undefined;
  } catch {
    return undefined;
  }
}

function errorCode(error: unknown): string | undefined {
  const inner = (error as { error?: unknown } | undefined)?.error ?? error;
  const code = (inner as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

function errorMessage(error: unknown): string {
  const inner = (error as { error?: unknown } | undefined)?.error ?? error;
  const message = (inner as { message?: unknown } | undefined)?.message ?? (error as { message?: unknown } | undefined)?.message;
  return typeof message === "string" ? message : "";
}

/**
 * Works out what a failed request or WebSocket tells: the HTTP status and a hint that names what to
 * check (the server not running, a wrong `path`, sticky sessions, versions).
 *
 * @example
 * describeTransportFailure({ transport: "websocket", url: "ws://localhost:3000/socket.io/", error }).hint
 */
export function describeTransportFailure(input: FailureInput): TransportFailure {
  const { origin, path } = where(input.url);
  // ws in Node reports a refused upgrade as "Unexpected server response: 404".
  const status = input.status ?? Number(/Unexpected server response: (\d{3})/.exec(errorMessage(input.error))?.[1] ?? NaN);
  const known = Number.isFinite(status) && status > 0 ? status : undefined;
  if (known !== undefined) {
    const code = engineCode(input.body);
    if (code !== undefined && ENGINE_ERROR_HINTS[code]) return { status: known, hint: `HTTP ${known}: ${ENGINE_ERROR_HINTS[code]}` };
    if (known === 404) {
      return {
        status: known,
        hint: `HTTP 404: nothing answers on ${path} at ${origin}: check the \`path\` option, which must be the same on the server and the client`,
      };
    }
    if (known === 403) return { status: known, hint: "HTTP 403: the server refused the connection (its `allowRequest`, or a proxy)" };
    if (known === 400) return { status: known, hint: `HTTP 400: the server at ${origin}${path} refused the request` };
    if (known >= 500) return { status: known, hint: `HTTP ${known}: the server at ${origin} failed (see its logs)` };
    return { status: known, hint: `HTTP ${known} from ${origin}${path}` };
  }
  const code = errorCode(input.error);
  if (code === "ECONNREFUSED") return { hint: `nothing listens at ${origin}: is the server running, on that host and port?` };
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return { hint: `the host of ${origin} cannot be resolved` };
  if (code === "ECONNRESET" || code === "EPIPE") return { hint: `the connection to ${origin} was cut (the server closed it, or a proxy did)` };
  if (code === "ETIMEDOUT") return { hint: `${origin} did not answer in time` };
  if (code !== undefined) return { hint: `${code} while connecting to ${origin}` };
  return {
    hint:
      input.transport === "websocket"
        ? `the WebSocket to ${origin}${path} failed; browsers give no detail: check that the server runs and that \`path\` matches`
        : `the request to ${origin}${path} failed`,
  };
}
