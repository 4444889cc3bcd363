import type { IncomingMessage } from "node:http";
import debugModule from "debug";
import { isBinary, type EngineData, type EnginePacket } from "@switchboard/protocol";
import { scheduleFlush } from "./flush-queue.js";
import type { SendOptions, Transport, TransportHandler } from "./transport.js";
import { UpgradeProbe } from "./upgrade-probe.js";
import { fireHeartbeat, onClientPing, onClientPong, startHeartbeat, stopHeartbeat, type HeartbeatHost, type HeartbeatSession } from "./heartbeat.js";
import type { EngineCloseReason, EngineSocketHost, EngineSocketReadyState, EngineSocketSink, SendCallback } from "./engine-socket-types.js";
import { WriteQueue } from "./write-queue.js";
import { HandshakeRequest, slimRequest } from "./handshake-request.js";
import { deferListeners, deferListenersOf } from "./listener-store.js";

const debug = debugModule("switchboard:engine");

export type {
  EngineSocketReadyState,
  EngineCloseReason,
  SendCallback,
  EngineSocketEventMap,
  EngineSocketHost,
  EngineSocketSink,
} from "./engine-socket-types.js";

/**
 * One Engine.IO session, whatever transport carries it now.
 *
 * @example
 * engine.on("connection", (socket) => {
 *   socket.on("message", (data) => socket.send(data)); // echo
 *   socket.on("close", (reason) => console.log(socket.id, reason));
 * });
 */
export class EngineSocket extends WriteQueue implements TransportHandler, HeartbeatSession {
  readonly id: string;
  /** The handshake request, as kept after the handshake (see {@link HandshakeRequest}). */
  readonly request: IncomingMessage;
  /** Engine.IO revision of the client: 4, or 3 (`socket.io-client` 2.x, with `allowEIO3`). */
  readonly protocol: 3 | 4;
  transport: Transport;
  /** @internal Set by the Socket.IO layer (see {@link EngineSocketSink}). */
  sink: EngineSocketSink | null = null;
  private state: EngineSocketReadyState = "opening";
  private probe: UpgradeProbe | null = null;

  constructor(id: string, server: EngineSocketHost, transport: Transport, req: IncomingMessage, protocol: 3 | 4 = 4) {
    super(server);
    deferListeners(this);
    this.id = id;
    // Kept slim: what applications read after the handshake, not the IncomingMessage itself.
    this.request = slimRequest(req);
    this.protocol = protocol;
    this.transport = transport;
    transport.handler = this;
    this.open();
  }

  /** The client's address, as the handshake's connection had it. */
  get remoteAddress(): string {
    const req: unknown = this.request;
    return (req instanceof HandshakeRequest ? HandshakeRequest.remoteAddressOf(req) : (req as IncomingMessage | undefined)?.socket?.remoteAddress) ?? "";
  }

  /** @internal */
  get heartbeatHost(): HeartbeatHost {
    return this.server;
  }

  /** @internal Run by the heartbeat clock when a ping or a pong is due. */
  fire(): void {
    fireHeartbeat(this);
  }

  get readyState(): EngineSocketReadyState {
    return this.state;
  }

  /** @internal */
  protected closeForFullBuffer(): void {
    // Closing inside a write would re-enter user code mid-broadcast: stop taking packets now and
    // close on the next tick.
    this.setReadyState("closing");
    process.nextTick(() => this.onClosed("write buffer full"));
  }

  /** The only place the ready state changes. */
  private setReadyState(state: EngineSocketReadyState): void {
    debug("socket %s: %s -> %s", this.id, this.state, state);
    this.state = state;
  }

  private open(): void {
    const { opts } = this.server;
    this.setReadyState("open");
    const upgrades = opts.allowUpgrades && this.transport.name === "polling" && opts.transports.includes("websocket") ? ["websocket"] : [];
    this.sendPacket(
      "open",
      JSON.stringify({ sid: this.id, upgrades, pingInterval: opts.pingInterval, pingTimeout: opts.pingTimeout, maxPayload: opts.maxHttpBufferSize }),
    );
    if (opts.initialPacket !== undefined) this.sendPacket("message", opts.initialPacket);
    startHeartbeat(this);
  }

  /**
   * Sends a message (text, or bytes: binary frames over WebSocket, base64 over polling). `cb` runs
   * once the batch holding it was written.
   *
   * @example
   * socket.send("hello");
   * socket.send(Buffer.from([1, 2, 3]), { compress: false }, () => console.log("written"));
   */
  send(data: EngineData | number | boolean | null | undefined, options?: SendOptions | SendCallback, callback?: SendCallback): this {
    // As with engine.io: no data (null, undefined) sends an empty message, and any other value
    // that is neither text nor bytes is sent as its string.
    const payload = data == null ? undefined : typeof data === "string" || isBinary(data) ? data : String(data);
    if (typeof options === "function") this.sendPacket("message", payload, undefined, options);
    else this.sendPacket("message", payload, options, callback);
    return this;
  }

  /** Alias of {@link send}. */
  write(data: EngineData | number | boolean | null | undefined, options?: SendOptions | SendCallback, callback?: SendCallback): this {
    return this.send(data, options, callback);
  }

  /**
   * Closes the session: buffered packets are written first, unless `discard` is true (then it
   * closes at once).
   */
  close(discard = false): this {
    if (discard && (this.state === "open" || this.state === "closing")) {
      this.setReadyState("closing");
      this.onClosed("forced close");
      return this;
    }
    if (this.state !== "open") return this;
    this.setReadyState("closing");
    if (this.writeBuffer.length > 0) {
      this.closeAfterFlush = true;
      if (this.transport.writable) scheduleFlush(this);
      return this;
    }
    this.transport.close(true);
    return this;
  }

  /** @internal Graceful close of a server shutdown: what is buffered is written first. */
  shutdown(): void {
    if (this.state !== "open") return;
    this.shuttingDown = true;
    // A polling client with nothing to collect and no GET pending may never come back (it may be
    // gone already): waiting for its next GET would only deliver the close packet.
    if (this.writeBuffer.length === 0 && this.transport.name === "polling" && !this.transport.writable) {
      this.setReadyState("closing");
      this.onClosed("server shutting down");
      return;
    }
    this.close();
  }

  /**
   * Hands the session over to another node of a cluster (`io.close({ handover })`): what is
   * buffered is written, then a WebSocket ends without a closing handshake while packets the
   * client sent meanwhile are still emitted; the session closes with "transport close" (the reason
   * clients reconnect on) once the client has gone. Other transports close as at shutdown.
   */
  handOff(): void {
    if (this.state !== "open") return;
    if (this.transport.name !== "websocket" || this.upgrading) {
      this.shutdown();
      return;
    }
    if (this.writeBuffer.length > 0) {
      // A WebSocket takes a batch while the previous one is still going out: writes stay in order.
      this.transport.writable = true;
      this.flush();
    }
    this.transport.handOff();
  }

  /**
   * @internal Closes at once and cuts the connection without a closing handshake (the end of a
   * shutdown's grace period: a client that did not finish by then gets no more time).
   */
  terminate(reason: EngineCloseReason = "forced close"): void {
    if (this.state === "closed") return;
    this.setReadyState("closing");
    this.onClosed(reason, undefined, true);
  }

  /** @internal */
  sendPing(): void {
    this.sendPacket("ping");
  }

  /** @internal */
  onPingTimeout(): void {
    this.onClosed("ping timeout");
  }

  // ---- TransportHandler: what the current transport reports ----

  /** @internal */
  onPacket(packet: EnginePacket): void {
    if (this.state !== "open") return;
    if (this.listenerCount("packet") > 0) this.emit("packet", packet);
    switch (packet.type) {
      case "ping":
      case "pong":
        // v4: only the server pings ("2probe" is only valid on a probing transport); v3: only the
        // client does, and gets a pong.
        if (!(packet.type === "ping" ? onClientPing(this) : onClientPong(this))) {
          this.onError(new Error("invalid heartbeat direction"));
          break;
        }
        if (packet.type === "ping") this.sendPacket("pong");
        if (this.listenerCount("heartbeat") > 0) this.emit("heartbeat");
        break;
      case "message":
        this.sink?._ondata(packet.data as string | Buffer);
        this.emit("data", packet.data as string | Buffer);
        this.emit("message", packet.data as string | Buffer);
        break;
      default:
        debug("socket %s: ignoring %s packet", this.id, packet.type);
    }
  }

  /** @internal */
  onParseError(err: Error): void {
    this.onClosed("parse error", err);
  }

  /** @internal */
  onError(err: Error): void {
    // Routine (a client gone mid-request): one line, no stack trace.
    debug("socket %s: transport error: %s", this.id, err?.message ?? err);
    // Closed first, then told: a listener that closes the session on error (the Socket.IO
    // client does) would otherwise turn the reason into "forced close" on polling, where the
    // close completes synchronously. engine.io reports "transport error" on both transports.
    this.onClosed("transport error", err);
    if (this.listenerCount("error") > 0) this.emit("error", err);
  }

  /** @internal */
  onClose(): void {
    this.onClosed(this.state === "closing" ? (this.shuttingDown ? "server shutting down" : "forced close") : "transport close");
  }

  // ---- upgrade ----

  /** @internal Starts probing `transport` (a WebSocket) to replace the polling transport. */
  maybeUpgrade(transport: Transport): void {
    if (this.probe || this.upgraded || this.state !== "open") {
      transport.close(false);
      return;
    }
    this.upgrading = true;
    this.probe = new UpgradeProbe(this, transport, this.server.opts.upgradeTimeout);
  }

  /** @internal The probe is over (it switched transports, failed or was cancelled). */
  endProbe(): void {
    this.probe = null;
    this.upgrading = false;
  }

  /** Final close: every timer, listener and buffered packet goes with it. */
  private onClosed(reason: EngineCloseReason, description?: Error, terminate = false): void {
    if (this.state === "closed") return;
    this.setReadyState("closed");
    stopHeartbeat(this);
    this.probe?.cancel();
    const transport = this.transport;
    transport.handler = null;
    if (transport.readyState !== "closed") {
      // A peer that does not answer (or read) would hold a graceful close open: cut it.
      if (reason === "ping timeout" || reason === "transport error" || reason === "write buffer full" || terminate) transport.destroy();
      else transport.close(false);
    }
    if (this.writeBuffer.length > 0) debug("socket %s: dropping %d buffered packets", this.id, this.writeBuffer.length);
    const callbacks = this.takeSendCallbacks();
    this.closeAfterFlush = false;
    this.server.onSocketClose(this);
    if (callbacks !== undefined) {
      const err = new Error(`socket closed (${reason})`);
      for (const cb of callbacks) cb(err);
    }
    this.sink?._onclose(reason, description);
    this.emit("close", reason, description);
    this.dropWriteBuffer();
  }
}
deferListenersOf(EngineSocket);
