import type { IncomingMessage } from "node:http";
import debugModule from "debug";
import { isBinary, type EngineData, type EnginePacket } from "@switchboard/protocol";
import { claimTurn, currentTurn, scheduleFlush, type Flushable } from "./flush-queue.js";
import type { OutgoingPacket, SendOptions, Transport, TransportHandler } from "./transport.js";
import { UpgradeProbe } from "./upgrade-probe.js";
import { fireHeartbeat, onClientPing, onClientPong, startHeartbeat, stopHeartbeat, type HeartbeatHost, type HeartbeatSession } from "./heartbeat.js";
import type { EngineCloseReason, EngineSocketHost, EngineSocketReadyState, EngineSocketSink, SendCallback } from "./engine-socket-types.js";
import { SessionState } from "./session-state.js";
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
 * The write buffer of every session with nothing queued: one shared empty array instead of one per
 * session (frozen, so a write that skipped {@link EngineSocket.sendPacket} would throw, not leak).
 */
const NOTHING_QUEUED = Object.freeze([]) as unknown as OutgoingPacket[];

/** The send callback of a batch with none of its own, when the session must know it was written. */
function awaitWrite(): void {}

/** Size of a packet as counted against `maxWriteBufferSize`: UTF-16 units for text, bytes otherwise. */
function packetSize(data: EngineData | undefined): number {
  if (data === undefined) return 1;
  return (typeof data === "string" ? data.length : data.byteLength) + 1;
}

/**
 * One Engine.IO session, whatever transport carries it now.
 *
 * @example
 * engine.on("connection", (socket) => {
 *   socket.on("message", (data) => socket.send(data)); // echo
 *   socket.on("close", (reason) => console.log(socket.id, reason));
 * });
 */
export class EngineSocket extends SessionState implements Flushable, TransportHandler, HeartbeatSession {
  readonly id: string;
  /** The handshake request, as kept after the handshake (see {@link HandshakeRequest}). */
  readonly request: IncomingMessage;
  /** Engine.IO revision of the client: 4, or 3 (`socket.io-client` 2.x, with `allowEIO3`). */
  readonly protocol: 3 | 4;
  transport: Transport;
  /** @internal Set by the Socket.IO layer (see {@link EngineSocketSink}). */
  sink: EngineSocketSink | null = null;
  private state: EngineSocketReadyState = "opening";
  /**
   * Packets waiting for the next flush (one per event-loop turn). Still readable in a `close`
   * listener, which may want what never left (as in engine.io); emptied right after.
   */
  writeBuffer: OutgoingPacket[] = NOTHING_QUEUED;
  /** Callbacks of the packets in `writeBuffer` (created by the first write that has one). */
  private sendCallbacks: SendCallback[] | undefined;
  /** The event-loop turn in which a packet last skipped the write buffer (see `mayWriteNow`). */
  private writtenInTurn = 0;
  /** Bytes queued in `writeBuffer` (see {@link packetSize}). */
  private queuedBytes = 0;
  /**
   * What may be queued before the bound is worked out exactly: the limit minus what the transport
   * held at the last flush, minus what was written at once since (the transport holds at most that
   * much more; it only shrinks until the next flush, so this errs on the safe side).
   */
  private writeBudget: number;
  /** Same as {@link writeBudget}, for `writeBufferHighWaterMark`. */
  private highWaterBudget: number;
  private probe: UpgradeProbe | null = null;

  constructor(
    id: string,
    private readonly server: EngineSocketHost,
    transport: Transport,
    req: IncomingMessage,
    protocol: 3 | 4 = 4,
  ) {
    super();
    deferListeners(this);
    this.id = id;
    // Kept slim: what applications read after the handshake, not the IncomingMessage itself.
    this.request = slimRequest(req);
    this.protocol = protocol;
    this.transport = transport;
    transport.handler = this;
    this.writeBudget = server.opts.maxWriteBufferSize;
    this.highWaterBudget = server.opts.writeBufferHighWaterMark;
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

  /**
   * Bytes this session holds for its client: packets queued here plus what the transport has not
   * handed to the OS yet. Kept under `maxWriteBufferSize` (see `writeBufferPolicy`).
   */
  get bufferedAmount(): number {
    return this.queuedBytes + this.transport.bufferedAmount;
  }

  /**
   * Flow control, as Node's `writable.writableNeedDrain`: true once {@link bufferedAmount}
   * reached `writeBufferHighWaterMark`, until `belowHighWaterMark` is emitted. `send()` returns
   * the socket (engine.io's chaining), so a producer reads this after writing.
   *
   * @example
   * socket.send(chunk);
   * if (socket.writableNeedDrain) socket.once("belowHighWaterMark", produceMore);
   */
  get writableNeedDrain(): boolean {
    return this.needDrain;
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

  private sendPacket(type: OutgoingPacket["type"], data?: EngineData, options?: SendOptions, callback?: SendCallback): void {
    if (this.state === "closing" || this.state === "closed") {
      debug("socket %s: dropping %s packet, socket %s", this.id, type, this.state);
      return;
    }
    const size = packetSize(data);
    // Nothing queued and nothing written yet this turn: straight to the transport, without a
    // packet object, a buffer or a flush (a paced broadcast's and an ack's usual case).
    if (callback === undefined && this.mayWriteNow(size) && this.transport.writeNow(type, data, options)) {
      this.writtenInTurn = claimTurn();
      // The budgets count what the transport may now hold more (see writeBudget).
      this.writeBudget -= size;
      this.highWaterBudget -= size;
      return;
    }
    const packet: OutgoingPacket = options === undefined ? { type, data } : { type, data, options };
    // Listeners see the options as engine.io shows them (compress defaults to true); the packet
    // itself keeps the caller's options object, which a broadcast shares between recipients.
    if (this.listenerCount("packetCreate") > 0) this.emit("packetCreate", { type, data, options: { ...options, compress: options?.compress !== false } });
    // One add and one compare per write; the exact bound is worked out only past the budget.
    if ((this.queuedBytes += size) > this.writeBudget && !this.makeRoom(packet, size)) {
      if (callback) process.nextTick(callback, new Error("write buffer full"));
      return;
    }
    if (this.writeBuffer === NOTHING_QUEUED) this.writeBuffer = [packet];
    else this.writeBuffer.push(packet);
    if (callback) (this.sendCallbacks ??= []).push(callback);
    // Same as the bound above: one compare per write, the transport read only past the budget.
    if (this.queuedBytes >= this.highWaterBudget && !this.needDrain) this.checkHighWater();
    if (this.transport.writable) scheduleFlush(this);
  }

  /**
   * Whether a packet of `size` bytes may skip the write buffer: nothing is queued (so order holds),
   * nothing went out at once yet this turn (so a burst still leaves in one more write), the
   * transport is free, the packet fits both budgets and no `packetCreate`, `flush` or `drain`
   * listener expects to see a buffer.
   */
  private mayWriteNow(size: number): boolean {
    if (this.writeBuffer.length !== 0 || !this.transport.writable || this.writtenInTurn === currentTurn() || this.needDrain) return false;
    if (size > this.writeBudget || size > this.highWaterBudget) return false;
    return (
      this.listenerCount("packetCreate") === 0 &&
      this.listenerCount("flush") === 0 &&
      this.listenerCount("drain") === 0 &&
      this.server.listenerCount("flush") === 0 &&
      this.server.listenerCount("drain") === 0
    );
  }

  /** @internal Whether a packet went out at once this turn (the next ones wait for the flush). */
  get wroteThisTurn(): boolean {
    return this.writtenInTurn === currentTurn();
  }

  /** The queue passed the high-water budget: works out whether the real total reached the mark. */
  private checkHighWater(): void {
    const mark = this.server.opts.writeBufferHighWaterMark;
    const inTransport = this.transport.bufferedAmount;
    if (this.queuedBytes + inTransport >= mark) {
      debug("socket %s: write buffer reached the high-water mark (%d queued + %d in transport)", this.id, this.queuedBytes, inTransport);
      this.needDrain = true;
    } else {
      this.highWaterBudget = mark - inTransport;
    }
  }

  /** After the transport took or finished a batch: `belowHighWaterMark` once under the mark again. */
  private checkDrain(inTransport: number): void {
    const held = this.queuedBytes + inTransport;
    // A mark of 0 (every write asks to wait) drains when nothing is held, as in Node's streams.
    if (held >= this.server.opts.writeBufferHighWaterMark && held > 0) return;
    this.needDrain = false;
    debug("socket %s: write buffer back under the high-water mark", this.id);
    this.emit("belowHighWaterMark");
  }

  /**
   * The write of `packet` passed the budget: checks the real bound, then applies the policy.
   * Returns whether `packet` may be queued (false: dropped, or the session is closing).
   */
  private makeRoom(packet: OutgoingPacket, size: number): boolean {
    const { maxWriteBufferSize: limit, writeBufferPolicy } = this.server.opts;
    const inTransport = this.transport.bufferedAmount;
    if (this.queuedBytes + inTransport <= limit) {
      this.writeBudget = limit - inTransport;
      return true;
    }
    if (writeBufferPolicy === "drop-volatile") {
      if (packet.options?.volatile === true) {
        this.queuedBytes -= size;
        debug("socket %s: write buffer full, volatile packet dropped", this.id);
        return false;
      }
      const kept = this.writeBuffer.filter((queued) => queued.options?.volatile !== true);
      if (kept.length < this.writeBuffer.length) {
        debug("socket %s: write buffer full, %d queued volatile packets dropped", this.id, this.writeBuffer.length - kept.length);
        this.writeBuffer = kept;
        let queued = size;
        for (const p of kept) queued += packetSize(p.data);
        this.queuedBytes = queued;
        if (queued + inTransport <= limit) {
          this.writeBudget = limit - inTransport;
          return true;
        }
      }
    }
    debug("socket %s: write buffer full (%d queued + %d in transport > %d), closing", this.id, this.queuedBytes, inTransport, limit);
    // Closing inside a write would re-enter user code mid-broadcast: stop taking packets now and
    // close on the next tick.
    this.setReadyState("closing");
    this.writeBuffer = NOTHING_QUEUED;
    this.queuedBytes = 0;
    process.nextTick(() => this.onClosed("write buffer full"));
    return false;
  }

  /** @internal Writes the buffer if the transport can take it (run by the flush queue). */
  flush(): void {
    if (this.state === "closed" || !this.transport.writable || this.writeBuffer.length === 0) return;
    const packets = this.writeBuffer;
    this.writeBuffer = NOTHING_QUEUED;
    const callbacks = this.sendCallbacks;
    this.sendCallbacks = undefined;
    this.queuedBytes = 0;
    if (this.listenerCount("flush") > 0) this.emit("flush", packets);
    if (this.server.listenerCount("flush") > 0) this.server.emit("flush", this, packets);
    // Without callbacks a transport may write without waiting for the write; a producer waiting
    // for `belowHighWaterMark` needs the wait, which tells when the bytes left (see onWritable).
    this.transport.send(
      packets,
      callbacks === undefined
        ? this.needDrain
          ? awaitWrite
          : undefined
        : (err) => {
            for (const cb of callbacks) cb(err);
          },
    );
    const inTransport = this.transport.bufferedAmount;
    this.writeBudget = this.server.opts.maxWriteBufferSize - inTransport;
    this.highWaterBudget = this.server.opts.writeBufferHighWaterMark - inTransport;
    if (this.listenerCount("drain") > 0) this.emit("drain");
    if (this.needDrain && this.state === "open") this.checkDrain(inTransport);
    if (this.server.listenerCount("drain") > 0) this.server.emit("drain", this);
    if (this.closeAfterFlush && this.state === "closing") {
      this.closeAfterFlush = false;
      this.transport.close(true);
    }
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

  /** @internal */
  onWritable(): void {
    // With packets waiting, the flush checks the mark; without, the batch that just left may
    // have been what kept the session over it.
    if (this.writeBuffer.length > 0) scheduleFlush(this);
    else if (this.needDrain && this.state === "open") this.checkDrain(this.transport.bufferedAmount);
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
    this.queuedBytes = 0;
    const callbacks = this.sendCallbacks;
    this.sendCallbacks = undefined;
    this.closeAfterFlush = false;
    this.server.onSocketClose(this);
    if (callbacks !== undefined) {
      const err = new Error(`socket closed (${reason})`);
      for (const cb of callbacks) cb(err);
    }
    this.sink?._onclose(reason, description);
    this.emit("close", reason, description);
    this.writeBuffer = NOTHING_QUEUED;
  }
}
deferListenersOf(EngineSocket);
