import type { Socket as NetSocket } from "node:net";
import debugModule from "debug";
import type { WebSocket, RawData } from "ws";
import { decodeEnginePacket, encodeEnginePacket, ProtocolError, type EnginePacket } from "@switchboard/protocol";
import { Transport, type OutgoingPacket } from "./transport.js";

const debug = debugModule("switchboard:engine");

function byteLength(data: string | ArrayBuffer | ArrayBufferView): number {
  return typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/**
 * One engine session over a `ws` WebSocket. A batch is written inside one cork of the TCP socket
 * so packets sent in the same turn leave in one syscall.
 */
export class WebSocketTransport extends Transport {
  readonly name = "websocket" as const;
  private readonly raw: NetSocket | undefined;
  private readonly deflateThreshold: number | undefined;

  constructor(
    readonly socket: WebSocket,
    perMessageDeflate: { threshold: number } | false,
  ) {
    super();
    this.deflateThreshold = perMessageDeflate === false ? undefined : perMessageDeflate.threshold;
    // ws keeps the TCP socket private; corking it is what batches frames into one write.
    this.raw = (socket as unknown as { _socket?: NetSocket })._socket;
    this.writable = true;
    socket.on("message", this.onMessage);
    socket.once("close", this.onSocketClose);
    socket.on("error", this.onSocketError);
  }

  private readonly onMessage = (data: RawData, isBinary: boolean): void => {
    const handler = this.handler;
    if (!handler) return;
    let packet: EnginePacket;
    try {
      packet = decodeEnginePacket(isBinary ? toBuffer(data) : toBuffer(data).toString("utf8"), "nodebuffer");
    } catch (err) {
      debug("bad websocket frame: %O", err);
      handler.onParseError(err instanceof Error ? err : new ProtocolError("INVALID_PAYLOAD", String(err)));
      return;
    }
    if (packet.type === "close") handler.onClose();
    else handler.onPacket(packet);
  };

  private readonly onSocketClose = (): void => {
    this.setReadyState("closed");
    const handler = this.handler;
    this.handler = null;
    handler?.onClose();
  };

  private readonly onSocketError = (err: Error): void => {
    debug("websocket error: %O", err);
    this.handler?.onError(err);
  };

  send(packets: readonly OutgoingPacket[], done?: (err?: Error) => void): void {
    if (this.readyState !== "open") {
      done?.(new Error("websocket transport closed"));
      return;
    }
    this.writable = false;
    const count = packets.length;
    // ws calls write callbacks in order: the last frame's callback means the whole batch is out.
    const onSent = (err?: Error) => {
      if (err) debug("websocket write failed: %O", err);
      if (this.readyState === "open") this.writable = true;
      done?.(err);
      if (this.writable) this.handler?.onWritable();
    };
    if (count === 0) {
      onSent();
      return;
    }
    const raw = this.raw;
    raw?.cork();
    try {
      for (let i = 0; i < count; i++) {
        const packet = packets[i]!;
        const frame = packet.options?.wsPreEncoded ?? encodeEnginePacket(packet, true);
        const callback = i === count - 1 ? onSent : undefined;
        if (this.deflateThreshold !== undefined) {
          const compress = packet.options?.compress !== false && byteLength(frame) >= this.deflateThreshold;
          this.socket.send(frame, { compress }, callback);
        } else {
          this.socket.send(frame, callback);
        }
      }
    } finally {
      raw?.uncork();
    }
  }

  close(_graceful = true): void {
    if (this.readyState === "closed") return;
    this.setReadyState("closing");
    this.socket.close();
  }

  destroy(): void {
    this.setReadyState("closed");
    this.socket.terminate();
  }
}
