import createDebug from "debug";
import { Emitter, type BinaryType, type EngineData, type EnginePacket, type EnginePacketType } from "@switchboard/protocol";
import { createTimers, type ClientTimers } from "../timers.js";
import { resolveEngineOptions, type EngineOptions, type EngineOptionsInput } from "./engine-options.js";
import { CookieJar } from "./cookie-jar.js";
import { PollingTransport } from "./polling-transport.js";
import { WebSocketTransport } from "./websocket-transport.js";
import type { Transport } from "./transport.js";
import { browserGlobals, hasWindowEvents } from "./browser-globals.js";
import { platform } from "./platform.js";
import { WriteMeter } from "./write-meter.js";

const debug = createDebug("switchboard:client:engine");

export type EngineReadyState = "opening" | "open" | "closing" | "closed";

export interface Handshake {
  sid: string;
  upgrades: string[];
  pingInterval: number;
  pingTimeout: number;
  maxPayload: number;
}

const TRANSPORTS: Record<string, new (init: ConstructorParameters<typeof PollingTransport>[0]) => Transport> = {
  polling: PollingTransport,
  websocket: WebSocketTransport,
};

// How long polling waits for the answer to `2probe` before it polls again (see #probe).
const PROBE_HOLD_MS = 1000;

// Shared by every socket of the page/process, like Engine.IO's client: one successful upgrade
// lets `rememberUpgrade` start the next connection on WebSocket directly.
let priorWebsocketSuccess = false;

const hasWindow = hasWindowEvents();

/**
 * An Engine.IO v4 client connection: handshake, heartbeat, buffered writes and the probe upgrade
 * from polling to WebSocket. Events: `open`, `handshake`, `packet`, `packetCreate`, `message`,
 * `data`, `ping`, `drain`, `flush`, `upgrading`, `upgrade`, `upgradeError`, `error`, `close`, and
 * `belowHighWaterMark` (flow control, see {@link EngineSocket.writableNeedDrain}).
 *
 * @example
 * const engine = new EngineSocket("http://localhost:3000", { path: "/engine.io" });
 * engine.on("message", (data) => console.log(data));
 */
export class EngineSocket extends Emitter {
  readyState: EngineReadyState = "closed";
  id: string | undefined;
  transport!: Transport;
  upgrades: string[] = [];
  writeBuffer: EnginePacket[] = [];
  readonly opts: EngineOptions;
  readonly transports: string[];
  /**
   * How binary messages are handed over: `"nodebuffer"` (Buffer, Node's default, as with
   * socket.io-client) or `"arraybuffer"` (the browsers' default). May be changed at any time;
   * it applies to the messages received after.
   *
   * @example
   * socket.io.engine.binaryType = "arraybuffer";
   */
  binaryType: BinaryType = platform.binaryType;
  readonly #timers: ClientTimers;
  #prevBufferLen = 0;
  #upgrading = false;
  #pingInterval = 0;
  #pingTimeout = 0;
  #maxPayload = 0;
  #pingTimer: ReturnType<typeof setTimeout> | undefined;
  #pingDeadline = Infinity;
  #jar: CookieJar | undefined;
  #callbacks: Array<(() => void) | undefined> = [];
  #unloadHandler: (() => void) | undefined;
  readonly #meter: WriteMeter;
  #offlineHandler: (() => void) | undefined;

  constructor(uri?: string | EngineOptionsInput, opts: EngineOptionsInput = {}) {
    super();
    if (uri && typeof uri === "object") {
      opts = uri;
      uri = undefined;
    }
    this.opts = resolveEngineOptions(uri, opts);
    this.#timers = createTimers(this.opts);
    this.#meter = new WriteMeter(
      this.opts.writeBufferHighWaterMark,
      this.#timers,
      () => this.transport?.bufferedAmount,
      () => {
        debug("write buffer back under the high-water mark");
        this.emit("belowHighWaterMark");
      },
    );
    this.transports = this.opts.transports.filter((name) => name in TRANSPORTS);
    if (this.opts.withCredentials && typeof browserGlobals.XMLHttpRequest !== "function") this.#jar = new CookieJar();
    if (hasWindow) {
      if (this.opts.closeOnBeforeunload) {
        this.#unloadHandler = () => {
          if (this.transport) {
            this.transport.removeAllListeners();
            this.transport.close();
          }
        };
        browserGlobals.addEventListener!("beforeunload", this.#unloadHandler, false);
      }
      if (this.opts.hostname !== "localhost") {
        this.#offlineHandler = () => this.#onClose("transport close", { description: "network connection lost" });
        browserGlobals.addEventListener!("offline", this.#offlineHandler, false);
      }
    }
    this.#open();
  }

  /**
   * Bytes written and not sent yet: queued here, plus what the transport holds (a WebSocket's
   * `bufferedAmount`, or the polling request in flight).
   */
  get bufferedAmount(): number {
    return this.#meter.bufferedAmount;
  }

  /**
   * Flow control, as Node's `writable.writableNeedDrain`: true once {@link bufferedAmount}
   * reached `writeBufferHighWaterMark`, until `belowHighWaterMark` is emitted.
   *
   * @example
   * engine.send(chunk);
   * if (engine.writableNeedDrain) engine.once("belowHighWaterMark", produceMore);
   */
  get writableNeedDrain(): boolean {
    return this.#meter.needDrain;
  }

  #setReadyState(state: EngineReadyState): void {
    debug("engine %s -> %s", this.readyState, state);
    this.readyState = state;
  }

  #createTransport(name: string): Transport {
    const Ctor = TRANSPORTS[name];
    const overrides = this.opts.transportOptions[name] ?? {};
    return new Ctor({
      opts: { ...this.opts, ...overrides },
      sid: this.id,
      jar: this.#jar,
      timers: this.#timers,
      binaryType: () => this.binaryType,
    });
  }

  #open(): void {
    if (this.transports.length === 0) {
      // Emitted on the next turn so that listeners attached after construction see it.
      this.#timers.setTimeout(() => this.emit("error", new Error("No transports available")), 0);
      return;
    }
    const name = this.opts.rememberUpgrade && priorWebsocketSuccess && this.transports.includes("websocket") ? "websocket" : this.transports[0];
    this.#setReadyState("opening");
    const transport = this.#createTransport(name);
    transport.open();
    this.#setTransport(transport);
  }

  #setTransport(transport: Transport): void {
    if (this.transport) this.transport.removeAllListeners();
    this.transport = transport;
    transport
      .on("drain", () => this.#onDrain())
      .on("packet", (p: EnginePacket) => this.#onPacket(p))
      .on("error", (e: Error) => this.#onError(e))
      .on("close", (details: unknown) => this.#onClose("transport close", details));
  }

  #onPacket(packet: EnginePacket): void {
    if (this.readyState !== "opening" && this.readyState !== "open" && this.readyState !== "closing") return;
    this.emit("packet", packet);
    this.emit("heartbeat");
    switch (packet.type) {
      case "open":
        this.#onHandshake(JSON.parse(packet.data as string) as Handshake);
        break;
      case "ping":
        this.#resetPingTimeout();
        this.#sendPacket("pong");
        this.emit("ping");
        this.emit("pong");
        break;
      case "message":
        this.emit("data", packet.data);
        this.emit("message", packet.data);
        break;
      case "close":
        this.#onClose("transport close", { description: "server closed the session" });
        break;
      default:
        break;
    }
  }

  #onHandshake(data: Handshake): void {
    this.emit("handshake", data);
    this.id = data.sid;
    this.transport.sid = data.sid;
    this.upgrades = data.upgrades.filter((u) => this.transports.includes(u));
    this.#pingInterval = data.pingInterval;
    this.#pingTimeout = data.pingTimeout;
    this.#maxPayload = data.maxPayload;
    this.#setReadyState("open");
    priorWebsocketSuccess = this.transport.name === "websocket";
    this.emit("open");
    this.flush();
    if (this.readyState === "open" && this.opts.upgrade && this.transport.name === "polling") {
      for (const name of this.upgrades) this.#probe(name);
    }
    this.#resetPingTimeout();
  }

  #resetPingTimeout(): void {
    this.#timers.clearTimeout(this.#pingTimer);
    const delay = this.#pingInterval + this.#pingTimeout;
    this.#pingDeadline = Date.now() + delay;
    this.#pingTimer = this.#timers.setTimeout(() => this.#onClose("ping timeout"), delay);
  }

  /** True when the server missed its heartbeat, even if throttled timers have not fired yet. */
  hasPingExpired(): boolean {
    if (this.#pingDeadline === Infinity) return false;
    const expired = Date.now() > this.#pingDeadline;
    if (expired) {
      this.#pingDeadline = 0;
      this.#timers.setTimeout(() => this.#onClose("ping timeout"), 0);
    }
    return expired;
  }

  #probe(name: string): void {
    debug("probing transport %s", name);
    let transport: Transport | undefined = this.#createTransport(name);
    let failed = false;
    let holdTimer: ReturnType<typeof setTimeout> | undefined;
    priorWebsocketSuccess = false;
    const polling = this.transport instanceof PollingTransport ? this.transport : undefined;
    // Polling goes on where the hold or the pause left it, unless the upgrade went through.
    const resumePolling = () => {
      this.#timers.clearTimeout(holdTimer);
      if (polling && this.transport === polling && this.readyState !== "closed") polling.resume();
    };

    const onTransportOpen = () => {
      if (failed || !transport) return;
      transport.send([{ type: "ping", data: "probe" }]);
      // Until the answer, a completed poll starts no new GET: the switch can then happen as soon as
      // `3probe` arrives instead of waiting for the server to release a pending GET. Bounded, for
      // a WebSocket that opened but stays silent.
      polling?.hold();
      holdTimer = this.#timers.setTimeout(() => {
        debug("no probe answer after %d ms: polling again", PROBE_HOLD_MS);
        resumePolling();
      }, PROBE_HOLD_MS);
      transport.once("packet", (msg: EnginePacket) => {
        if (failed || !transport) return;
        this.#timers.clearTimeout(holdTimer);
        if (msg.type === "pong" && msg.data === "probe") {
          this.#upgrading = true;
          this.emit("upgrading", transport);
          if (failed || !transport) return;
          priorWebsocketSuccess = transport.name === "websocket";
          (this.transport as PollingTransport).pause(() => {
            if (failed || !transport) return;
            if (this.readyState === "closed") return;
            cleanup();
            this.#setTransport(transport);
            transport.send([{ type: "upgrade" }]);
            this.emit("upgrade", transport);
            transport = undefined;
            this.#upgrading = false;
            this.flush();
          });
        } else {
          const err = Object.assign(new Error("probe error"), { transport: transport.name });
          freeze();
          this.emit("upgradeError", err);
        }
      });
    };
    const freeze = () => {
      if (failed) return;
      failed = true;
      cleanup();
      transport?.close();
      transport = undefined;
      // A probe that fails after its answer leaves polling paused and writes blocked: undo both.
      this.#upgrading = false;
      resumePolling();
      this.flush();
    };
    const onError = (err: unknown) => {
      const error = Object.assign(new Error("probe error: " + String((err as Error)?.message ?? err)), {
        transport: transport?.name,
      });
      freeze();
      this.emit("upgradeError", error);
    };
    const onTransportClose = () => onError("transport closed");
    const onClose = () => onError("socket closed");
    const onUpgrade = (to: Transport) => {
      if (transport && to.name !== transport.name) freeze();
    };
    const cleanup = () => {
      transport?.off("open", onTransportOpen);
      transport?.off("error", onError);
      transport?.off("close", onTransportClose);
      this.off("close", onClose);
      this.off("upgrading", onUpgrade);
    };
    transport.once("open", onTransportOpen);
    transport.once("error", onError);
    transport.once("close", onTransportClose);
    this.once("close", onClose);
    this.once("upgrading", onUpgrade);
    transport.open();
  }

  #onDrain(): void {
    this.writeBuffer.splice(0, this.#prevBufferLen);
    const callbacks = this.#callbacks.splice(0, this.#prevBufferLen);
    this.#prevBufferLen = 0;
    for (const cb of callbacks) cb?.();
    if (this.writeBuffer.length === 0) this.emit("drain");
    else this.flush();
    if (this.readyState !== "closed") this.#meter.written();
  }

  /** Writes buffered packets when the transport can take them (polling: up to `maxPayload`). */
  flush(): void {
    if (this.readyState === "closed" || !this.transport.writable || this.#upgrading || this.writeBuffer.length === 0) return;
    const packets = this.#writablePackets();
    this.#meter.flushed(packets);
    this.transport.send(packets);
    this.#prevBufferLen = packets.length;
    this.emit("flush");
  }

  #writablePackets(): EnginePacket[] {
    if (!(this.#maxPayload > 0 && this.transport.name === "polling" && this.writeBuffer.length > 1)) return this.writeBuffer.slice();
    let size = 1;
    for (let i = 0; i < this.writeBuffer.length; i++) {
      const data = this.writeBuffer[i].data;
      if (typeof data === "string") size += new TextEncoder().encode(data).length;
      else if (data) size += Math.ceil(((data as ArrayBuffer).byteLength ?? 0) * 1.34);
      if (i > 0 && size > this.#maxPayload) return this.writeBuffer.slice(0, i);
      size += 2;
    }
    return this.writeBuffer.slice();
  }

  /** Sends a message. `fn` runs once the transport has written it. */
  write(data: EngineData, options?: { compress?: boolean } | (() => void), fn?: () => void): this {
    if (typeof options === "function") {
      fn = options;
      options = undefined;
    }
    this.#sendPacket("message", data, options, fn);
    return this;
  }

  send(data: EngineData, options?: { compress?: boolean } | (() => void), fn?: () => void): this {
    return this.write(data, options, fn);
  }

  #sendPacket(type: EnginePacketType, data?: EngineData, options?: { compress?: boolean }, fn?: () => void): void {
    if (this.readyState === "closing" || this.readyState === "closed") return;
    const packet: EnginePacket = { type, options: { compress: options?.compress !== false } };
    if (data !== undefined) packet.data = data;
    this.emit("packetCreate", packet);
    this.writeBuffer.push(packet);
    this.#callbacks.push(fn);
    this.#meter.queued(data);
    this.flush();
    if (this.#meter.afterWrite()) debug("write buffer reached the high-water mark (%d bytes)", this.bufferedAmount);
  }

  /** Closes the connection once the buffered packets are written. */
  close(): this {
    const close = () => {
      this.#onClose("forced close");
      this.transport.close();
    };
    const cleanupAndClose = () => {
      this.off("upgrade", cleanupAndClose);
      this.off("upgradeError", cleanupAndClose);
      close();
    };
    const waitForUpgrade = () => {
      this.once("upgrade", cleanupAndClose);
      this.once("upgradeError", cleanupAndClose);
    };
    if (this.readyState === "opening" || this.readyState === "open") {
      this.#setReadyState("closing");
      if (this.writeBuffer.length) {
        this.once("drain", () => (this.#upgrading ? waitForUpgrade() : close()));
      } else if (this.#upgrading) {
        waitForUpgrade();
      } else {
        close();
      }
    }
    return this;
  }

  #onError(err: Error): void {
    debug("engine error: %s", err.message);
    priorWebsocketSuccess = false;
    if (this.opts.tryAllTransports && this.transports.length > 1 && this.readyState === "opening") {
      this.transports.shift();
      this.#open();
      return;
    }
    this.emit("error", err);
    this.#onClose("transport error", err);
  }

  #onClose(reason: string, description?: unknown): void {
    if (this.readyState !== "opening" && this.readyState !== "open" && this.readyState !== "closing") return;
    debug("engine closed: %s", reason);
    this.#timers.clearTimeout(this.#pingTimer);
    this.#pingTimer = undefined;
    this.transport.removeAllListeners("close");
    this.transport.close();
    this.transport.removeAllListeners();
    if (hasWindow) {
      if (this.#unloadHandler) browserGlobals.removeEventListener!("beforeunload", this.#unloadHandler, false);
      if (this.#offlineHandler) browserGlobals.removeEventListener!("offline", this.#offlineHandler, false);
    }
    this.#setReadyState("closed");
    this.id = undefined;
    this.emit("close", reason, description);
    this.writeBuffer = [];
    this.#callbacks = [];
    this.#prevBufferLen = 0;
    this.#meter.reset();
  }
}
