import { Emitter, type BinaryType, type EnginePacket } from "@switchboard/protocol";
import type { ClientTimers } from "../timers.js";
import type { EngineOptions } from "./engine-options.js";
import type { CookieJar } from "./cookie-jar.js";
import type { TransportFailure } from "./transport-failure.js";

export type TransportReadyState = "opening" | "open" | "closing" | "closed" | "paused" | "pausing";

/** Why a transport failed: `type` is what Socket.IO's client reports (`TransportError`). */
/**
 * A transport failed: `message` is socket.io-client's ("xhr poll error", "websocket error"...),
 * `status` the HTTP status when the server answered, `hint` what to check.
 *
 * @example
 * socket.on("connect_error", (err) => console.warn(err.message, err.status, err.hint));
 */
export class TransportError extends Error {
  readonly type = "TransportError";
  readonly code = "TRANSPORT_ERROR";
  readonly status: number | undefined;
  readonly hint: string | undefined;
  constructor(
    message: string,
    readonly description: unknown,
    readonly context?: unknown,
    failure?: TransportFailure,
  ) {
    super(message);
    this.status = failure?.status;
    this.hint = failure?.hint;
  }
}

export interface TransportInit {
  opts: EngineOptions;
  sid?: string;
  jar?: CookieJar;
  /** The owner's timers (`useNativeTimers`, `autoUnref`). */
  timers: ClientTimers;
  /** How binary messages are handed over, read at each message (the owner's `binaryType`). */
  binaryType: () => BinaryType;
}

/**
 * Base of the client transports. Emits `open`, `packet`, `drain` (all written), `close` (with a
 * description) and `error` (a {@link TransportError}).
 */
export abstract class Transport extends Emitter {
  abstract readonly name: string;
  readyState: TransportReadyState = "closed";
  writable = false;
  sid: string | undefined;
  readonly opts: EngineOptions;
  protected readonly jar: CookieJar | undefined;
  protected readonly timers: ClientTimers;
  protected readonly binaryType: () => BinaryType;

  constructor(init: TransportInit) {
    super();
    this.opts = init.opts;
    this.sid = init.sid;
    this.jar = init.jar;
    this.timers = init.timers;
    this.binaryType = init.binaryType;
  }

  protected setReadyState(state: TransportReadyState): void {
    this.readyState = state;
  }

  open(): this {
    this.setReadyState("opening");
    this.doOpen();
    return this;
  }

  close(): this {
    if (this.readyState === "opening" || this.readyState === "open") {
      this.doClose();
      this.onClose();
    }
    return this;
  }

  /**
   * Bytes handed to this transport and not sent yet, when the transport can tell (a WebSocket's
   * `bufferedAmount`); undefined otherwise (the engine then counts its own batch until `drain`).
   */
  get bufferedAmount(): number | undefined {
    return undefined;
  }

  send(packets: EnginePacket[]): void {
    if (this.readyState === "open") this.write(packets);
  }

  protected onOpen(): void {
    this.setReadyState("open");
    this.writable = true;
    this.emit("open");
  }

  protected onPacket(packet: EnginePacket): void {
    this.emit("packet", packet);
  }

  protected onError(message: string, description: unknown, context?: unknown, failure?: TransportFailure): void {
    this.emit("error", new TransportError(message, description, context, failure));
  }

  protected onClose(details?: unknown): void {
    if (this.readyState === "closed") return;
    this.setReadyState("closed");
    this.writable = false;
    this.emit("close", details);
  }

  /** Builds the request URL: scheme, host, path, `EIO=4`, transport, sid and the user query. */
  protected uri(scheme: "http" | "ws"): string {
    const o = this.opts;
    const query: Record<string, string> = { ...o.query, EIO: "4", transport: this.name };
    if (this.sid) query.sid = this.sid;
    if (o.timestampRequests) query[o.timestampParam] = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
    const secure = o.secure ? "s" : "";
    const defaultPort = o.secure ? "443" : "80";
    const host = o.hostname.includes(":") ? `[${o.hostname}]` : o.hostname;
    const port = o.port && o.port !== defaultPort ? `:${o.port}` : "";
    return `${scheme}${secure}://${host}${port}${o.path}?${new URLSearchParams(query).toString()}`;
  }

  protected abstract doOpen(): void;
  protected abstract doClose(): void;
  protected abstract write(packets: EnginePacket[]): void;
}
