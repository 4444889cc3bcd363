import { EventEmitter } from "node:events";
import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import debugModule from "debug";
import type { WebSocket } from "ws";
import { resolveEngineOptions, type AttachOptions, type EngineOptions, type ResolvedEngineOptions } from "./engine-options.js";
import { abortUpgrade, ENGINE_ERROR_MESSAGES, EngineErrorCode, writeEngineError, type EngineErrorContext } from "./engine-errors.js";
import { EngineSocket, type EngineSocketHost } from "./engine-socket.js";
import { createCorsMiddleware } from "./cors-middleware.js";
import { runMiddlewares, type EngineMiddleware } from "./middleware-runner.js";
import { generateId } from "./generate-id.js";
import { serializeCookie } from "./cookie.js";
import { createStandInResponse, INVALID_HEADER_CHAR, WebSocketUpgrader } from "./websocket-upgrader.js";
import { PollingTransport } from "./polling-transport.js";
import { pollingCodecFor } from "./polling-codec.js";
import { isJsonpIndex } from "./jsonp.js";
import { WebSocketTransport } from "./websocket-transport.js";
import type { OutgoingPacket, Transport } from "./transport.js";
import { createPathMatcher } from "./path-matcher.js";
import { responseHeaders } from "./response-headers.js";
import { parseUrlQuery } from "./handshake-request.js";
import { interceptRequests } from "./request-interceptor.js";
import { HeartbeatClock } from "./heartbeat-clock.js";

const debug = debugModule("switchboard:engine");

/** The handshake request as the engine keeps it: `_query` holds the parsed query (like engine.io). */
export interface EngineRequest extends IncomingMessage {
  _query: Record<string, string>;
}

/** Payload of the `connection_error` event. */
export interface EngineConnectionError {
  req: IncomingMessage;
  code: EngineErrorCode;
  message: string;
  context: EngineErrorContext;
}

/** Events of an {@link Engine}, with their arguments. */
export interface EngineEventMap {
  connection: [socket: EngineSocket];
  connection_error: [error: EngineConnectionError];
  /** Headers of the first response of a session (polling handshake or WebSocket 101); mutable. */
  initial_headers: [headers: Record<string, string | string[]>, req: IncomingMessage];
  /** Headers of every polling response and of the 101; mutable. */
  headers: [headers: Record<string, string | string[]>, req: IncomingMessage];
  flush: [socket: EngineSocket, packets: OutgoingPacket[]];
  drain: [socket: EngineSocket];
}

type VerifyCallback = (code?: EngineErrorCode, context?: EngineErrorContext) => void;

/**
 * An Engine.IO v4 server (API of the `engine.io` 6.x `Server`): polling (and JSONP) and WebSocket
 * transports, probe upgrades, heartbeats, limits, CORS and cookies; v3 clients with `allowEIO3`.
 *
 * @example
 * const engine = new Engine({ pingInterval: 10000 });
 * engine.attach(httpServer, { path: "/engine.io" });
 * engine.on("connection", (socket) => socket.send("welcome"));
 */
export class Engine extends EventEmitter<EngineEventMap> implements EngineSocketHost {
  readonly opts: ResolvedEngineOptions;
  /** Open sessions by id (a plain object, like engine.io). */
  clients: Record<string, EngineSocket> = {};
  clientsCount = 0;
  /** The HTTP server {@link listen} created for this engine (unset otherwise, like engine.io). */
  httpServer?: HttpServer;
  private readonly middlewares: EngineMiddleware[] = [];
  private readonly upgrader: WebSocketUpgrader;
  private readonly upgradeTimers = new Set<NodeJS.Timeout>();
  /** @internal One timer for the heartbeat of every session (see {@link HeartbeatClock}). */
  readonly heartbeatClock = new HeartbeatClock();

  constructor(opts: EngineOptions = {}) {
    super();
    this.opts = resolveEngineOptions(opts);
    this.upgrader = new WebSocketUpgrader(this.opts, (headers, req, sid) => this.decorateHeaders(headers, req, sid));
    const cors = this.opts.cors;
    if (cors !== false) this.middlewares.push(createCorsMiddleware(cors === true ? {} : cors));
  }

  /**
   * Adds an Express-style middleware run before every engine request, including WebSocket
   * upgrades (with a stand-in response whose headers are added to the 101).
   *
   * @example
   * engine.use((req, res, next) => (req.headers.authorization ? next() : next(new Error("no auth"))));
   */
  use(middleware: EngineMiddleware): this {
    this.middlewares.push(middleware);
    return this;
  }

  /** Id of a new session; override for custom ids (may return a Promise). */
  generateId(_req: IncomingMessage): string | Promise<string> {
    return generateId();
  }

  /** Serves one HTTP request for the engine's path (polling handshake, GET or POST). */
  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    this.prepare(req);
    const request = req as EngineRequest;
    const proceed = () => this.verify(request, false, (code, context) => this.onVerifiedRequest(request, res, code, context));
    if (this.middlewares.length === 0) return proceed();
    runMiddlewares(this.middlewares, req, res, (err) => {
      if (err !== undefined) return this.refuseRequest(request, res, EngineErrorCode.BAD_REQUEST, { name: "MIDDLEWARE_FAILURE", error: err });
      if (res.writableEnded) return;
      proceed();
    });
  }

  /**
   * Serves an HTTP `upgrade` for the engine's path (WebSocket handshake or polling upgrade).
   * `headers` go on the 101 answer: what a framework's hooks set before routing the upgrade here.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, headers: Record<string, string | string[]> = {}): void {
    this.prepare(req);
    const request = req as EngineRequest;
    const onSocketError = (err: Error) => debug("upgrade socket error: %s", err.message);
    socket.on("error", onSocketError);
    const refuse = (code: EngineErrorCode, context: EngineErrorContext = {}) => {
      const message = ENGINE_ERROR_MESSAGES[code];
      this.emitConnectionError(request, code, context);
      abortUpgrade(socket, code, typeof context.message === "string" ? context.message : message);
    };
    const proceed = (headers: Record<string, string | string[]>) =>
      this.verify(request, true, (code, context) => {
        if (code !== undefined) return refuse(code, context);
        // Only the WebSocket transport is carried by an upgrade.
        if (request._query.transport !== "websocket") return refuse(EngineErrorCode.BAD_REQUEST, { name: "TRANSPORT_HANDSHAKE_ERROR" });
        const sid = request._query.sid;
        if (sid) {
          const client = this.clients[sid];
          if (!this.opts.allowUpgrades) return refuse(EngineErrorCode.BAD_REQUEST, { name: "UPGRADE_REFUSED", sid });
          this.upgrader.accept(request, socket, head, { id: undefined, headers }, onSocketError, (ws) => {
            // A session already upgraded (or upgrading) keeps its transport; the newcomer is
            // closed at once, as engine.io does, which a client sees as a plain close.
            if (client.readyState !== "open" || client.upgrading || client.upgraded || client.transport.name !== "polling") {
              debug("socket %s: upgrade ignored (session %s)", sid, client.upgraded ? "already upgraded" : client.readyState);
              ws.close();
              return;
            }
            client.maybeUpgrade(this.createWebSocketTransport(ws, sid, client.protocol));
          });
          return;
        }
        const protocol = this.protocolOf(request);
        if (protocol === undefined) return refuse(EngineErrorCode.UNSUPPORTED_PROTOCOL_VERSION, { protocol: 3 });
        this.withNewId(request, (err, id) => {
          if (err || id === undefined) return refuse(EngineErrorCode.BAD_REQUEST, { name: "ID_GENERATION_ERROR", error: err });
          this.upgrader.accept(request, socket, head, { id, headers }, onSocketError, (ws) => {
            this.createSocket(id, this.createWebSocketTransport(ws, id, protocol), request, protocol);
          });
        });
      });
    if (this.middlewares.length === 0) return proceed({ ...headers });
    const res = createStandInResponse(request, socket);
    runMiddlewares(this.middlewares, req, res, (err) => {
      if (err !== undefined) return refuse(EngineErrorCode.BAD_REQUEST, { name: "MIDDLEWARE_FAILURE", error: err });
      if (res.writableEnded) return;
      // Middlewares that set headers when the response starts (express-session's cookie) hook
      // writeHead: calling it lets them, and the 101 carries what they set.
      res.writeHead(res.statusCode);
      proceed({ ...headers, ...responseHeaders(res) });
    });
  }

  /**
   * Intercepts `request`s and `upgrade`s for the path on an HTTP server; other requests go to the
   * server's previous `request` listeners.
   */
  attach(server: HttpServer, opts: AttachOptions = {}): this {
    const matches = createPathMatcher(opts.path ?? this.opts.path, opts.addTrailingSlash ?? this.opts.addTrailingSlash);
    interceptRequests(server, (req, res) => {
      if (!matches(req.url)) return false;
      this.handleRequest(req, res);
      return true;
    });
    server.on("close", () => this.close());
    if (this.opts.transports.includes("websocket")) {
      const destroyUpgrade = opts.destroyUpgrade ?? true;
      const destroyUpgradeTimeout = opts.destroyUpgradeTimeout ?? 1000;
      server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (matches(req.url)) return this.handleUpgrade(req, socket, head);
        if (!destroyUpgrade) return;
        // Node's HTTP server drops its own error listener once it hands an upgrade over: a peer
        // resetting this connection would throw ECONNRESET out of the process (CVE-2022-41940).
        socket.on("error", (err) => debug("upgrade socket error on a foreign path: %s", err.message));
        // Another upgrade listener may answer; drop the connection only if none did.
        const timer = setTimeout(() => {
          this.upgradeTimers.delete(timer);
          if (socket.writable && (socket as Duplex & { bytesWritten?: number }).bytesWritten === 0) socket.end();
        }, destroyUpgradeTimeout);
        this.upgradeTimers.add(timer);
        socket.once("close", () => {
          clearTimeout(timer);
          this.upgradeTimers.delete(timer);
        });
      });
    }
    return this;
  }

  /** Closes every session ("forced close") and the WebSocket server; leaves no timer behind. */
  close(): this {
    for (const id of Object.keys(this.clients)) this.clients[id]?.close(true);
    for (const timer of this.upgradeTimers) clearTimeout(timer);
    this.upgradeTimers.clear();
    this.upgrader.close();
    return this;
  }

  /**
   * Graceful close: every session first writes what it already holds (a polling client collects
   * it with its next GET), then closes with reason "server shutting down"; sessions still open
   * after `timeout` ms (default `shutdownTimeout`) are cut. Resolves once every session is closed,
   * after doing what {@link close} does.
   *
   * @example
   * process.on("SIGTERM", async () => {
   *   await engine.shutdown(2000);
   *   httpServer.close();
   * });
   */
  async shutdown(timeout = this.opts.shutdownTimeout): Promise<void> {
    const sockets = Object.values(this.clients);
    if (sockets.length > 0) {
      await new Promise<void>((resolve) => {
        let left = sockets.length;
        const timer = setTimeout(() => {
          debug("shutdown: %d sessions still open after %d ms, cutting them", left, timeout);
          for (const socket of sockets) socket.terminate("server shutting down");
        }, timeout);
        const onClosed = () => {
          if (--left > 0) return;
          clearTimeout(timer);
          resolve();
        };
        for (const socket of sockets) {
          if (socket.readyState === "closed") onClosed();
          else {
            socket.once("close", onClosed);
            socket.shutdown();
          }
        }
      });
    }
    this.close();
  }

  /** @internal */
  onSocketClose(socket: EngineSocket): void {
    if (this.clients[socket.id] !== socket) return;
    delete this.clients[socket.id];
    this.clientsCount--;
  }

  /** Parses the query into `req._query` (an override may add to the request, as with engine.io). */
  protected prepare(req: IncomingMessage): void {
    const request = req as EngineRequest;
    request._query ??= parseUrlQuery(req.url);
  }

  private verify(req: EngineRequest, upgrade: boolean, callback: VerifyCallback): void {
    const { transport, sid } = req._query;
    if (transport === undefined || !(this.opts.transports as string[]).includes(transport)) {
      return callback(EngineErrorCode.UNKNOWN_TRANSPORT, { transport });
    }
    const origin = req.headers.origin;
    if (origin !== undefined && INVALID_HEADER_CHAR.test(origin)) {
      return callback(EngineErrorCode.BAD_REQUEST, { name: "INVALID_ORIGIN", origin });
    }
    // The JSONP callback index is written into a script: digits only.
    const j = req._query.j;
    if (j !== undefined && transport === "polling" && !isJsonpIndex(j)) return callback(EngineErrorCode.BAD_REQUEST, { name: "INVALID_JSONP_INDEX", j });
    if (sid) {
      if (!Object.prototype.hasOwnProperty.call(this.clients, sid)) return callback(EngineErrorCode.UNKNOWN_SID, { sid });
      const previousTransport = this.clients[sid].transport.name;
      if (!upgrade && previousTransport !== transport) {
        return callback(EngineErrorCode.BAD_REQUEST, { name: "TRANSPORT_MISMATCH", transport, previousTransport });
      }
      return callback();
    }
    if (req.method !== "GET") return callback(EngineErrorCode.BAD_HANDSHAKE_METHOD, { method: req.method });
    if (transport === "websocket" && !upgrade) return callback(EngineErrorCode.BAD_REQUEST, { name: "TRANSPORT_HANDSHAKE_ERROR" });
    const allowRequest = this.opts.allowRequest;
    if (!allowRequest) return callback();
    let answered = false;
    try {
      allowRequest(req, (err, success) => {
        if (answered) return;
        answered = true;
        if (success) callback();
        else callback(EngineErrorCode.FORBIDDEN, { message: err || ENGINE_ERROR_MESSAGES[EngineErrorCode.FORBIDDEN] });
      });
    } catch (err) {
      debug("allowRequest threw: %O", err);
      if (!answered) {
        answered = true;
        callback(EngineErrorCode.FORBIDDEN, { message: ENGINE_ERROR_MESSAGES[EngineErrorCode.FORBIDDEN], error: err });
      }
    }
  }

  private onVerifiedRequest(req: EngineRequest, res: ServerResponse, code?: EngineErrorCode, context?: EngineErrorContext): void {
    if (code !== undefined) return this.refuseRequest(req, res, code, context);
    const sid = req._query.sid;
    if (sid) {
      (this.clients[sid].transport as PollingTransport).onRequest(req, res);
      return;
    }
    const protocol = this.protocolOf(req);
    if (protocol === undefined) return this.refuseRequest(req, res, EngineErrorCode.UNSUPPORTED_PROTOCOL_VERSION, { protocol: 3 });
    this.withNewId(req, (err, id) => {
      if (err || id === undefined) return this.refuseRequest(req, res, EngineErrorCode.BAD_REQUEST, { name: "ID_GENERATION_ERROR", error: err });
      // v3 clients that cannot read bytes say so with `b64`; JSONP (`j`) is always text.
      const { b64, j } = req._query;
      const transport = new PollingTransport(this.opts, this.pollingHeaders, pollingCodecFor(protocol, !b64, j));
      transport.sid = id;
      transport.protocol = protocol;
      // The handshake GET is pending before "connection" listeners run, as in engine.io.
      this.createSocket(id, transport, req, protocol, () => transport.onRequest(req, res));
    });
  }

  private withNewId(req: IncomingMessage, callback: (err: unknown, id?: string) => void): void {
    let id: string | Promise<string>;
    try {
      id = this.generateId(req);
    } catch (err) {
      return callback(err);
    }
    if (typeof id === "string") return callback(undefined, id);
    id.then(
      (value) => callback(undefined, value),
      (err: unknown) => callback(err),
    );
  }

  /** The Engine.IO revision of a handshake (`EIO=4`, anything else is 3), or undefined if refused. */
  private protocolOf(req: EngineRequest): 3 | 4 | undefined {
    if (req._query.EIO === "4") return 4;
    return this.opts.allowEIO3 ? 3 : undefined;
  }

  private createSocket(id: string, transport: Transport, req: IncomingMessage, protocol: 3 | 4, beforeConnection?: () => void): EngineSocket {
    const socket = new EngineSocket(id, this, transport, req, protocol);
    beforeConnection?.();
    // The handshake answer holds the open packet (and `initialPacket`) alone, written before
    // "connection" listeners run, as engine.io does: what they send goes in the next write.
    socket.flush();
    this.clients[id] = socket;
    this.clientsCount++;
    this.emit("connection", socket);
    return socket;
  }

  private createWebSocketTransport(ws: WebSocket, sid: string, protocol: 3 | 4): WebSocketTransport {
    const transport = new WebSocketTransport(ws, this.opts.perMessageDeflate);
    transport.sid = sid;
    transport.protocol = protocol;
    return transport;
  }

  /** Adds CORS/cookie/user headers to a polling response (the `headers` events). */
  private readonly pollingHeaders = (headers: Record<string, string | string[]>, req: IncomingMessage, sid: string): void => {
    this.decorateHeaders(headers, req as EngineRequest, sid);
  };

  private decorateHeaders(headers: Record<string, string | string[]>, req: EngineRequest, sid: string | undefined): void {
    if (!req._query.sid) {
      const cookie = this.opts.cookie;
      if (cookie !== false && sid !== undefined) {
        // Options are validated at construction; should they have been changed since (or the id
        // not encode), the handshake is answered without the cookie rather than not at all.
        try {
          headers["Set-Cookie"] = [serializeCookie(cookie.name, sid, cookie)];
        } catch (err) {
          debug("session cookie left out of the handshake: %O", err);
        }
      }
      if (this.listenerCount("initial_headers") > 0) this.emit("initial_headers", headers, req);
    }
    if (this.listenerCount("headers") > 0) this.emit("headers", headers, req);
  }

  private refuseRequest(req: EngineRequest, res: ServerResponse, code: EngineErrorCode, context: EngineErrorContext = {}): void {
    this.emitConnectionError(req, code, context);
    writeEngineError(res, code, typeof context.message === "string" ? context.message : ENGINE_ERROR_MESSAGES[code]);
  }

  private emitConnectionError(req: IncomingMessage, code: EngineErrorCode, context: EngineErrorContext): void {
    debug("refused request (code %d): %o", code, context);
    if (this.listenerCount("connection_error") > 0) {
      const error: EngineConnectionError = { req, code, message: ENGINE_ERROR_MESSAGES[code], context };
      this.emit("connection_error", error);
    }
  }
}
