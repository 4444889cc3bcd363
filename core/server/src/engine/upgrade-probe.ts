import debugModule from "debug";
import type { EnginePacket } from "@switchboard/protocol";
import type { EngineSocket } from "./engine-socket.js";
import type { Transport, TransportHandler } from "./transport.js";

const debug = debugModule("switchboard:engine");

const PONG_PROBE = [{ type: "pong" as const, data: "probe" }];

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
      this.socket.releasePoll();
      clearInterval(this.check);
      this.check = setInterval(() => this.socket.releasePoll(), 100);
    } else if (packet.type === "upgrade" && this.socket.readyState !== "closed") {
      this.stop();
      this.socket.completeUpgrade(this.transport);
    } else {
      debug("socket %s: unexpected %s packet while probing", this.socket.id, packet.type);
      this.fail(false);
    }
  }

  onParseError(err: Error): void {
    debug("socket %s: bad probe frame: %O", this.socket.id, err);
    this.fail(false);
  }

  onError(err: Error): void {
    debug("socket %s: probe transport error: %O", this.socket.id, err);
    this.fail(true);
  }

  onClose(): void {
    this.stop();
    this.socket.abandonUpgrade();
  }

  onWritable(): void {}

  /** The session closed while probing. */
  cancel(): void {
    this.fail(false);
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
    if (!wasDone) this.socket.abandonUpgrade();
    if (destroy) this.transport.destroy();
    else this.transport.close(false);
  }
}
