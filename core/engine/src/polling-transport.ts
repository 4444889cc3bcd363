import type { IncomingMessage, ServerResponse } from "node:http";
import debugModule from "debug";
import { ProtocolError, type EnginePacket } from "@switchboard/protocol";
import { Transport, type HeadersHook, type OutgoingPacket } from "./transport.js";
import { compressBody, pickEncoding } from "./http-compression.js";
import type { PollingCodec } from "./polling-codec.js";

const debug = debugModule("switchboard:engine");

export interface PollingTransportOptions {
  maxHttpBufferSize: number;
  httpCompression: { threshold: number } | false;
  closeTimeout: number;
}

const CLOSE_PACKET: OutgoingPacket = { type: "close" };
const NOOP_PACKET: OutgoingPacket = { type: "noop" };

/**
 * HTTP long-polling: a pending GET is the write channel (answered with one payload of every
 * queued packet), each POST carries a payload from the client and is answered `ok`. The codec
 * says how payloads look (Engine.IO v4 or v3, plain or JSONP).
 */
export class PollingTransport extends Transport {
  readonly name = "polling" as const;
  private pollReq: IncomingMessage | null = null;
  private pollRes: ServerResponse | null = null;
  private dataReq: IncomingMessage | null = null;
  /** The last answered GET: its unsent bytes count in {@link bufferedAmount} until it finishes. */
  private lastRes: ServerResponse | null = null;
  private closeOnNextPoll = false;
  private closeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly opts: PollingTransportOptions,
    private readonly headersHook: HeadersHook,
    private readonly codec: PollingCodec,
  ) {
    super();
  }

  /** Serves one HTTP request of this session (already verified by the engine). */
  onRequest(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === "GET") this.onPollRequest(req, res);
    else if (req.method === "POST") this.onDataRequest(req, res);
    else {
      res.writeHead(400);
      res.end();
    }
  }

  private fail(message: string): void {
    debug("polling error: %s", message);
    this.handler?.onError(new Error(message));
  }

  private onPollRequest(req: IncomingMessage, res: ServerResponse): void {
    if (this.pollRes) {
      res.writeHead(400);
      res.end();
      this.fail("overlap from client");
      return;
    }
    this.pollReq = req;
    this.pollRes = res;
    res.once("close", () => {
      if (this.pollRes !== res) return;
      this.pollReq = this.pollRes = null;
      this.writable = false;
      if (!res.writableEnded) this.fail("poll connection closed prematurely");
    });
    if (this.readyState !== "open" || this.closeOnNextPoll) {
      this.writable = true;
      // What engine.io writes on this GET: a noop, then the close packet.
      this.send([NOOP_PACKET]);
      return;
    }
    this.writable = true;
    this.handler?.onWritable();
  }

  private onDataRequest(req: IncomingMessage, res: ServerResponse): void {
    if (this.dataReq) {
      res.writeHead(400);
      res.end();
      this.fail("data request overlap from client");
      return;
    }
    if (req.headers["content-type"] === "application/octet-stream" && !this.codec.binaryBody) {
      // Engine.IO v4 (and JSONP) send binary as base64 text: a binary body is invalid.
      res.writeHead(400);
      res.end();
      this.fail("invalid content");
      return;
    }
    const max = this.opts.maxHttpBufferSize;
    if (Number(req.headers["content-length"]) > max) {
      this.refuseTooLarge(res);
      return;
    }
    if (req.readableEnded) return this.onConsumedBody(req, res, max);
    this.dataReq = req;
    const chunks: Buffer[] = [];
    let length = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClose);
      if (this.dataReq === req) this.dataReq = null;
    };
    const onData = (chunk: Buffer): void => {
      length += chunk.length;
      if (length > max) {
        cleanup();
        this.refuseTooLarge(res);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      this.acceptPayload(req, res, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length));
    };
    const onClose = (): void => {
      cleanup();
      this.fail("data request connection closed prematurely");
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("close", onClose);
  }

  /**
   * A body parser mounted before the engine (`express.text()`, a raw-body middleware) already read
   * the POST: its text is on `req.body`. Without one there is nothing left to read, which would
   * otherwise leave the request waiting for an `end` that already happened.
   */
  private onConsumedBody(req: IncomingMessage, res: ServerResponse, max: number): void {
    const parsed = (req as IncomingMessage & { body?: unknown }).body;
    if (typeof parsed !== "string" && !Buffer.isBuffer(parsed)) {
      debug("polling POST body was read before the engine, and not kept as text: mount body parsers after Switchboard");
      res.writeHead(400);
      res.end();
      this.fail("request body already consumed");
      return;
    }
    if ((typeof parsed === "string" ? Buffer.byteLength(parsed) : parsed.length) > max) return this.refuseTooLarge(res);
    this.acceptPayload(req, res, parsed);
  }

  /** Answers a data request `ok`, then handles its payload. */
  private acceptPayload(req: IncomingMessage, res: ServerResponse, body: string | Buffer): void {
    const headers: Record<string, string | string[]> = { "Content-Type": "text/html", "Content-Length": "2" };
    this.decorate(headers, req);
    res.writeHead(200, headers);
    res.end("ok");
    // Bytes only for a binary payload (v3); anything else is UTF-8 text.
    const binary = req.headers["content-type"] === "application/octet-stream";
    this.onPayload(binary || typeof body === "string" ? body : body.toString("utf8"));
  }

  /** Headers every polling answer gets: the engine's (CORS, cookie, `headers` events), then ours. */
  private decorate(headers: Record<string, string | string[]>, req: IncomingMessage): void {
    // Old Internet Explorer's XSS filter mangles responses it thinks reflect the request.
    const ua = req.headers["user-agent"];
    if (ua !== undefined && (ua.includes(";MSIE") || ua.includes("Trident/"))) headers["X-XSS-Protection"] = "0";
    this.headersHook(headers, req, this.sid);
    if (this.listenerCount("headers") > 0) this.emit("headers", headers, req);
  }

  private refuseTooLarge(res: ServerResponse): void {
    res.writeHead(413, { Connection: "close" });
    res.end();
    this.fail("payload too large");
  }

  private onPayload(body: string | Buffer): void {
    let packets: EnginePacket[];
    try {
      packets = this.codec.decode(body);
    } catch (err) {
      debug("bad polling payload: %s", (err as Error)?.message ?? err);
      this.handler?.onParseError(err instanceof Error ? err : new ProtocolError("INVALID_PAYLOAD", String(err)));
      return;
    }
    for (const packet of packets) {
      // A handler may close the session mid-payload: the rest is for nobody.
      if (!this.handler || this.readyState === "closed") return;
      if (packet.type === "close") {
        // The client is leaving: a pending GET is ended with a noop, not a close of our own.
        this.discard();
        this.handler.onClose();
        return;
      }
      this.handler.onPacket(packet);
    }
  }

  get bufferedAmount(): number {
    const res = this.lastRes;
    if (res === null || res.writableFinished) return 0;
    return res.socket?.writableLength ?? 0;
  }

  send(packets: readonly OutgoingPacket[], done?: (err?: Error) => void): void {
    const res = this.pollRes;
    const req = this.pollReq;
    if (!res || !req) {
      done?.(new Error("polling transport not writable"));
      return;
    }
    this.writable = false;
    this.pollReq = this.pollRes = null;
    let batch = packets;
    let closing = false;
    if (this.closeOnNextPoll || this.readyState !== "open") {
      closing = true;
      batch = [...packets, this.discarded ? NOOP_PACKET : CLOSE_PACKET];
    }
    const { body: payload, contentType } = this.codec.encode(batch);
    // UTF-8 bytes >= UTF-16 units, so comparing the string length is enough to pass the threshold.
    const threshold = this.opts.httpCompression === false ? Infinity : this.opts.httpCompression.threshold;
    const compress = payload.length >= threshold && batch.some((p) => p.options?.compress !== false);
    const respond = (body: string | Buffer, encoding?: string) => {
      const headers: Record<string, string | string[]> = {
        "Content-Type": contentType,
        "Content-Length": String(typeof body === "string" ? Buffer.byteLength(body) : body.length),
        "cache-control": "no-store",
      };
      if (encoding) headers["Content-Encoding"] = encoding;
      this.decorate(headers, req);
      if (res.destroyed || res.writableEnded) {
        done?.(new Error("poll connection closed"));
        return;
      }
      res.writeHead(200, headers);
      this.lastRes = res;
      res.end(body, done ? () => done() : undefined);
      if (closing) this.finishClose();
    };
    const encoding = compress ? pickEncoding(req.headers["accept-encoding"]) : null;
    if (!encoding) {
      respond(payload);
      return;
    }
    compressBody(payload, encoding, (err, body) => {
      if (err) {
        debug("compression failed: %O", err);
        respond(payload);
        return;
      }
      respond(body, encoding);
    });
  }

  /**
   * Graceful close waits (up to `closeTimeout`) for the next GET to carry the close packet; a
   * forced one answers a pending GET if any and stops at once.
   */
  close(graceful = false): void {
    if (this.readyState === "closed") return;
    this.abortDataRequest();
    if (this.pollRes && !this.pollRes.writableEnded) {
      this.setReadyState("closing");
      this.writable = true;
      this.send([]);
      return;
    }
    if (graceful && !this.discarded && this.readyState === "open") {
      this.setReadyState("closing");
      this.closeOnNextPoll = true;
      this.closeTimer = setTimeout(() => this.finishClose(), this.opts.closeTimeout);
      return;
    }
    this.finishClose();
  }

  destroy(): void {
    this.close(false);
  }

  /** A closing session reads no more: a body still uploading is cut, as engine.io does. */
  private abortDataRequest(): void {
    if (!this.dataReq) return;
    this.dataReq.destroy();
    this.dataReq = null;
  }

  private finishClose(): void {
    if (this.readyState === "closed") return;
    clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
    this.setReadyState("closed");
    this.closeOnNextPoll = false;
    this.lastRes = null;
    this.abortDataRequest();
    const handler = this.handler;
    this.handler = null;
    handler?.onClose();
  }
}
