import createDebug from "debug";
import { Emitter, type Packet } from "@switchboard/protocol";
import { EngineSocket } from "./engine/engine-socket.js";
import type { EngineOptionsInput } from "./engine/engine-options.js";
import { Backoff } from "./backoff.js";
import { defaultParser } from "./default-parser.js";
import { createTimers, type ClientTimers } from "./timers.js";
import { Socket, type SocketOptions } from "./socket.js";

const debug = createDebug("switchboard:client");

/** A parser module in socket.io-parser's shape (`socket.io-msgpack-parser` fits). */
export interface Parser {
  // Every parser returns an array of frames at run time, whatever its typings say
  // (socket.io-msgpack-parser declares an ArrayBuffer).
  Encoder: new () => { encode(packet: Packet): unknown };
  Decoder: new () => {
    add(chunk: unknown): void;
    destroy(): void;
    on(event: "decoded", fn: (packet: Packet) => void): unknown;
    off?(event?: string, fn?: (packet: Packet) => void): unknown;
    removeAllListeners?(event?: string): unknown;
  };
}

export interface ManagerOptions extends EngineOptionsInput {
  forceNew?: boolean;
  multiplex?: boolean;
  reconnection?: boolean;
  reconnectionAttempts?: number;
  reconnectionDelay?: number;
  reconnectionDelayMax?: number;
  randomizationFactor?: number;
  /** Connection timeout in milliseconds, or false for none. */
  timeout?: number | false;
  autoConnect?: boolean;
  parser?: Parser;
}

export type ManagerReadyState = "opening" | "open" | "closed";

/**
 * One Engine.IO connection shared by the namespaces of a server, with reconnection and backoff.
 * Events: `open`, `error`, `close`, `ping`, `packet`, `reconnect`, `reconnect_attempt`,
 * `reconnect_error`, `reconnect_failed`.
 *
 * @example
 * const manager = new Manager("http://localhost:3000", { reconnectionDelayMax: 10000 });
 * const admin = manager.socket("/admin", { auth: { token: "abc" } });
 */
export class Manager extends Emitter {
  engine!: EngineSocket;
  readonly uri: string | undefined;
  readonly opts: ManagerOptions;
  readonly nsps: Record<string, Socket> = {};
  readonly backoff: Backoff;
  /** The timers of this Manager, its engine and its sockets (`useNativeTimers`, `autoUnref`). */
  readonly _timers: ClientTimers;
  _readyState: ManagerReadyState = "closed";
  _reconnecting = false;
  _autoConnect: boolean;
  #reconnection = true;
  #reconnectionAttempts = Infinity;
  #timeout: number | false = 20000;
  #skipReconnect = false;
  #subs: Array<() => void> = [];
  #encoder: InstanceType<Parser["Encoder"]>;
  #decoder: InstanceType<Parser["Decoder"]>;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(uri?: string | ManagerOptions, opts?: ManagerOptions) {
    super();
    if (uri && typeof uri === "object") {
      opts = uri;
      uri = undefined;
    }
    this.uri = uri;
    this.opts = { ...(opts ?? {}) };
    this.opts.path = this.opts.path ?? "/socket.io";
    this._timers = createTimers(this.opts);
    this.backoff = new Backoff({
      min: this.opts.reconnectionDelay ?? 1000,
      max: this.opts.reconnectionDelayMax ?? 5000,
      jitter: this.opts.randomizationFactor ?? 0.5,
    });
    this.reconnection(this.opts.reconnection !== false);
    this.reconnectionAttempts(this.opts.reconnectionAttempts ?? Infinity);
    this.timeout(this.opts.timeout ?? 20000);
    const parser = this.opts.parser ?? defaultParser;
    this.#encoder = new parser.Encoder();
    this.#decoder = new parser.Decoder();
    this._autoConnect = this.opts.autoConnect !== false;
    if (this._autoConnect) this.open();
  }

  #setReadyState(state: ManagerReadyState): void {
    debug("manager %s -> %s", this._readyState, state);
    this._readyState = state;
  }

  reconnection(): boolean;
  reconnection(v: boolean): this;
  reconnection(v?: boolean): boolean | this {
    if (v === undefined) return this.#reconnection;
    this.#reconnection = !!v;
    if (!v) this.#skipReconnect = true;
    return this;
  }

  reconnectionAttempts(): number;
  reconnectionAttempts(v: number): this;
  reconnectionAttempts(v?: number): number | this {
    if (v === undefined) return this.#reconnectionAttempts;
    this.#reconnectionAttempts = v;
    return this;
  }

  reconnectionDelay(): number;
  reconnectionDelay(v: number): this;
  reconnectionDelay(v?: number): number | this {
    if (v === undefined) return this.backoff.min;
    this.backoff.setMin(v);
    return this;
  }

  randomizationFactor(): number;
  randomizationFactor(v: number): this;
  randomizationFactor(v?: number): number | this {
    if (v === undefined) return this.backoff.jitter;
    this.backoff.setJitter(v);
    return this;
  }

  reconnectionDelayMax(): number;
  reconnectionDelayMax(v: number): this;
  reconnectionDelayMax(v?: number): number | this {
    if (v === undefined) return this.backoff.max;
    this.backoff.setMax(v);
    return this;
  }

  timeout(): number | false;
  timeout(v: number | false): this;
  timeout(v?: number | false): number | false | this {
    if (v === undefined) return this.#timeout;
    this.#timeout = v;
    return this;
  }

  #maybeReconnectOnOpen(): void {
    if (!this._reconnecting && this.#reconnection && this.backoff.attempts === 0) this.#reconnect();
  }

  /** Opens the connection; `fn` receives an error when it fails. */
  open(fn?: (err?: Error) => void): this {
    if (this._readyState === "open" || this._readyState === "opening") return this;
    this.engine = new EngineSocket(this.uri, this.opts);
    const socket = this.engine;
    this.#setReadyState("opening");
    this.#skipReconnect = false;

    const openSub = on(socket, "open", () => {
      this.#onopen();
      fn?.();
    });
    const onError = (err: Error) => {
      this.#cleanup();
      this.#setReadyState("closed");
      this.emit("error", err);
      if (fn) fn(err);
      else this.#maybeReconnectOnOpen();
    };
    const errorSub = on(socket, "error", onError);

    if (this.#timeout !== false) {
      const timer = this._timers.setTimeout(() => {
        openSub();
        onError(new Error("timeout"));
        socket.close();
      }, this.#timeout);
      this.#subs.push(() => this._timers.clearTimeout(timer));
    }
    this.#subs.push(openSub, errorSub);
    return this;
  }

  connect(fn?: (err?: Error) => void): this {
    return this.open(fn);
  }

  #onopen(): void {
    this.#cleanup();
    this.#setReadyState("open");
    this.emit("open");
    const socket = this.engine;
    const onDecoded = (packet: Packet) => this.#dispatch(packet);
    this.#decoder.on("decoded", onDecoded);
    this.#subs.push(
      on(socket, "ping", () => this.emit("ping")),
      on(socket, "data", (data: unknown) => this.#ondata(data)),
      on(socket, "error", (err: Error) => this.emit("error", err)),
      on(socket, "belowHighWaterMark", () => {
        for (const nsp of Object.keys(this.nsps)) this.nsps[nsp]._ondrain();
      }),
      on(socket, "close", (reason: string, description?: unknown) => this.#onclose(reason, description)),
      () => {
        if (this.#decoder.off) this.#decoder.off("decoded", onDecoded);
        else this.#decoder.removeAllListeners?.("decoded");
      },
    );
  }

  /** Only a decoding failure is a protocol error: dispatch errors never reach this catch. */
  #ondata(data: unknown): void {
    try {
      this.#decoder.add(data);
    } catch (err) {
      debug("parse error: %s", (err as Error).message);
      this.#onclose("parse error", err);
    }
  }

  /**
   * Hands a decoded packet to the namespaces. An exception thrown by an application listener is
   * the application's own, not a protocol error: the connection stays up, later packets are still
   * delivered, and the error is rethrown from a microtask, outside the decoder's and the engine's
   * call stacks (their state stays consistent), so that it reaches
   * `process.on("uncaughtException")` in Node (`window.onerror` in browsers) unchanged, as with
   * socket.io-client, which dispatches packets on `process.nextTick`.
   */
  #dispatch(packet: Packet): void {
    try {
      this.emit("packet", packet);
    } catch (err) {
      debug("a listener threw while handling a packet: %s", (err as Error)?.message ?? err);
      queueMicrotask(() => {
        throw err;
      });
    }
  }

  /** The Socket of a namespace, created on first use and reused after. */
  socket(nsp: string, opts?: SocketOptions): Socket {
    let socket = this.nsps[nsp];
    if (!socket) {
      socket = new Socket(this, nsp, opts);
      this.nsps[nsp] = socket;
    } else if (this._autoConnect && !socket.active) {
      socket.connect();
    }
    return socket;
  }

  /** Called by a Socket that disconnected: the connection closes when no namespace is active. */
  _destroy(_socket: Socket): void {
    for (const nsp of Object.keys(this.nsps)) {
      if (this.nsps[nsp].active) return;
    }
    this._close();
  }

  /** Encodes and writes a packet (several engine messages when it carries binary). */
  _packet(packet: Packet & { options?: { compress?: boolean; volatile?: boolean } }): void {
    const encoded = this.#encoder.encode(packet) as unknown[];
    for (const chunk of encoded) this.engine.write(chunk as string, packet.options);
  }

  #cleanup(): void {
    for (const sub of this.#subs) sub();
    this.#subs = [];
    this.#decoder.destroy();
  }

  _close(): void {
    this.#skipReconnect = true;
    this._reconnecting = false;
    this._timers.clearTimeout(this.#reconnectTimer);
    this.#onclose("forced close");
  }

  disconnect(): void {
    this._close();
  }

  close(): void {
    this._close();
  }

  #onclose(reason: string, description?: unknown): void {
    debug("connection closed (%s)", reason);
    this.#cleanup();
    this.engine?.close();
    this.backoff.reset();
    this.#setReadyState("closed");
    this.emit("close", reason, description);
    if (this.#reconnection && !this.#skipReconnect) this.#reconnect();
  }

  #reconnect(): void {
    if (this._reconnecting || this.#skipReconnect) return;
    if (this.backoff.attempts >= this.#reconnectionAttempts) {
      debug("reconnect failed");
      this.backoff.reset();
      this.emit("reconnect_failed");
      this._reconnecting = false;
      return;
    }
    const delay = this.backoff.duration();
    debug("reconnecting in %d ms", delay);
    this._reconnecting = true;
    const timer = this._timers.setTimeout(() => {
      if (this.#skipReconnect) return;
      this.emit("reconnect_attempt", this.backoff.attempts);
      if (this.#skipReconnect) return;
      this.open((err) => {
        if (err) {
          this._reconnecting = false;
          this.#reconnect();
          this.emit("reconnect_error", err);
        } else {
          this.#onreconnect();
        }
      });
    }, delay);
    this.#reconnectTimer = timer;
    this.#subs.push(() => this._timers.clearTimeout(timer));
  }

  #onreconnect(): void {
    const attempt = this.backoff.attempts;
    this._reconnecting = false;
    this.backoff.reset();
    this.emit("reconnect", attempt);
  }
}

function on(emitter: Emitter, event: string, fn: (...args: never[]) => void): () => void {
  emitter.on(event, fn as (...args: unknown[]) => void);
  return () => emitter.off(event, fn as (...args: unknown[]) => void);
}
