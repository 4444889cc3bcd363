import debugModule from "debug";
import type { EnginePacket } from "@switchboard/protocol";
import type { EngineSocket } from "./engine-socket.js";
import { scheduleFlush } from "./flush-queue.js";
import type { Transport, TransportHandler } from "./transport.js";

const debug = debugModule("switchboard:engine");

const PONG_PROBE = [{ type: "pong" as const, data: "probe" }];
const NOOP = [{ type: "noop" as const }];

/**
 * A WebSocket offered to replace a polling session: answers `2probe` with `3probe`, keeps the
 * pending GET answered (`6`) so the client can pause polling, and switches on `5`.
 */
export class UpgradeProbe implements TransportHandler {
  private readonly timeout: NodeJS.Timeout;
  private check: NodeJS.Timeout | undefined;
  private done = false;

  constructor(
    private readonly socket: EngineSocket,
    private readonly transport: Transport,
    upgradeTimeout: number,
  ) {
    transport.handler = this;
    this.timeout = setTimeout(() => {
      debug("socket %s: upgrade timed out", socket.id);
      this.fail(false);
    }, upgradeTimeout);
  }

  onPacket(packet: EnginePacket): void {
    if (packet.type === "ping" && packet.data === "probe") {
      this.transport.send(PONG_PROBE);
      if (this.socket.listenerCount("upgrading") > 0) this.socket.emit("upgrading", this.transport);
      this.releasePoll();
      clearInterval(this.check);
      this.check = setInterval(() => this.releasePoll(), 100);
    } else if (packet.type === "upgrade" && this.socket.readyState !== "closed") {
      this.complete();
    } else {
      debug("socket %s: unexpected %s packet while probing", this.socket.id, packet.type);
      this.fail(false);
    }
  }

  onParseError(err: Error): void {
    debug("socket %s: bad probe frame: %s", this.socket.id, err?.message ?? err);
    this.fail(false);
  }

  onError(err: Error): void {
    debug("socket %s: probe transport error: %s", this.socket.id, err?.message ?? err);
    this.fail(true);
  }

  onClose(): void {
    this.stop();
    this.socket.endProbe();
  }

  onWritable(): void {}

  /** The session closed while probing. */
  cancel(): void {
    this.fail(false);
  }

  /** While probing, answers a pending polling GET so the client can pause polling. */
  private releasePoll(): void {
    const { socket } = this;
    const poll = socket.transport;
    if (poll.name !== "polling" || !poll.writable) return;
    if (socket.writeBuffer.length > 0) socket.flush();
    else poll.send(NOOP);
  }

  /** The client sent `5`: the WebSocket replaces the polling transport, which closes quietly. */
  private complete(): void {
    this.stop();
    const { socket, transport } = this;
    socket.endProbe();
    const previous = socket.transport;
    previous.handler = null;
    previous.discard();
    previous.close(false);
    socket.upgraded = true;
    debug("socket %s upgraded from %s to %s", socket.id, previous.name, transport.name);
    socket.transport = transport;
    transport.handler = socket;
    if (socket.listenerCount("upgrade") > 0) socket.emit("upgrade", transport);
    if (socket.writeBuffer.length > 0) scheduleFlush(socket);
    if (socket.readyState === "closing" && socket.writeBuffer.length === 0) transport.close(true);
  }

  private stop(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timeout);
    clearInterval(this.check);
    this.transport.handler = null;
  }

  private fail(destroy: boolean): void {
    const wasDone = this.done;
    this.stop();
    if (!wasDone) this.socket.endProbe();
    if (destroy) this.transport.destroy();
    else this.transport.close(false);
  }
}
