import { ServerResponse, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import debugModule from "debug";
import { WebSocketServer, type WebSocket } from "ws";
import type { ResolvedEngineOptions } from "./engine-options.js";
import type { EngineRequest } from "./engine.js";
import { HTTP_TOKEN } from "./cookie.js";

const debug = debugModule("switchboard:engine");

/** A character Node would refuse in a header value (and that would break a raw header line). */
export const INVALID_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** State of an upgrade between verification and the 101 response. */
export interface PendingUpgrade {
  /** Id of the new session (undefined for the upgrade of an existing one). */
  id: string | undefined;
  headers: Record<string, string | string[]>;
}

/** Adds the engine's headers (cookie, `initial_headers` and `headers` events) to a 101. */
export type DecorateHeaders = (headers: Record<string, string | string[]>, req: EngineRequest, sid: string | undefined) => void;

/**
 * The `ws` server behind the engine's WebSocket transport, created on first use: it completes
 * upgrades the engine has verified, with the engine's headers written into the 101.
 */
export class WebSocketUpgrader {
  private wss: WebSocketServer | null = null;
  private readonly pending = new WeakMap<IncomingMessage, PendingUpgrade>();

  constructor(
    private readonly opts: ResolvedEngineOptions,
    private readonly decorate: DecorateHeaders,
  ) {}

  /** Answers the upgrade with a 101; `onOpen` gets the WebSocket. */
  accept(
    req: EngineRequest,
    socket: Duplex,
    head: Buffer,
    pending: PendingUpgrade,
    onSocketError: (err: Error) => void,
    onOpen: (ws: WebSocket) => void,
  ): void {
    this.pending.set(req, pending);
    this.server().handleUpgrade(req, socket, head, (ws) => {
      socket.off("error", onSocketError);
      onOpen(ws);
    });
  }

  close(): void {
    if (!this.wss) return;
    this.wss.close();
    this.wss = null;
  }

  private server(): WebSocketServer {
    if (this.wss) return this.wss;
    const wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: this.opts.perMessageDeflate === false ? false : { ...this.opts.perMessageDeflate },
      maxPayload: this.opts.maxHttpBufferSize,
    });
    wss.on("headers", (lines: string[], req: IncomingMessage) => {
      const pending = this.pending.get(req);
      this.pending.delete(req);
      const headers = pending?.headers ?? {};
      this.decorate(headers, req as EngineRequest, pending?.id);
      for (const [key, value] of Object.entries(headers)) {
        for (const item of Array.isArray(value) ? value : [value]) {
          // Raw lines, unchecked by Node: a CR/LF here would inject headers into the 101.
          if (HTTP_TOKEN.test(key) && !INVALID_HEADER_CHAR.test(String(item))) lines.push(`${key}: ${item}`);
          else debug("invalid header %j left out of the 101 answer", key);
        }
      }
    });
    this.wss = wss;
    return wss;
  }
}

/**
 * A response object for the middlewares run before an upgrade: ending it refuses the upgrade;
 * what they set goes on the 101.
 */
export function createStandInResponse(req: IncomingMessage, socket: Duplex): ServerResponse {
  const res = new ServerResponse(req);
  const end = (): ServerResponse => {
    if (!socket.destroyed && socket.writable) {
      const status = res.statusCode;
      socket.write(`HTTP/1.1 ${status} ${res.statusMessage || "Error"}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
    Object.defineProperty(res, "writableEnded", { value: true });
    return res;
  };
  // Nothing is written before the 101 (or a refusal's end): writeHead only records.
  const writeHead = (status?: number, ...rest: unknown[]): ServerResponse => {
    if (typeof status === "number") res.statusCode = status;
    if (typeof rest[0] === "string") res.statusMessage = rest[0];
    const headers = rest.find((arg) => typeof arg === "object" && arg !== null) as Record<string, string | string[]> | string[] | undefined;
    if (Array.isArray(headers)) for (let i = 0; i + 1 < headers.length; i += 2) res.setHeader(headers[i], headers[i + 1]);
    else if (headers) for (const [key, value] of Object.entries(headers)) res.setHeader(key, value);
    return res;
  };
  // Own, writable properties: a middleware may wrap them (express-session wraps both).
  Object.defineProperty(res, "end", { value: end, writable: true, configurable: true });
  Object.defineProperty(res, "writeHead", { value: writeHead, writable: true, configurable: true });
  return res;
}
