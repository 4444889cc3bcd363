import type { Socket as NetSocket } from "node:net";
import debugModule from "debug";
import type { WebSocket, RawData } from "ws";
import {
  decodeEnginePacket,
  decodeEnginePacketV3,
  encodeEnginePacket,
  encodeEnginePacketV3,
  ProtocolError,
  type EngineData,
  type EnginePacket,
} from "@switchboard/protocol";
import { Transport, type OutgoingPacket, type SendOptions } from "./transport.js";
import { BINARY, buildFrame, messageFrameOf, TEXT, textFrameOf } from "./websocket-frame.js";

const debug = debugModule("switchboard:engine");

const TEXT_FRAME = { binary: false } as const;
const TEXT_FRAME_COMPRESSED = { binary: false, compress: true } as const;
const TEXT_FRAME_PLAIN = { binary: false, compress: false } as const;

/** The private part of `ws` that writes a prebuilt frame (what engine.io uses too). */
interface FrameSender {
  sendFrame(list: readonly Buffer[], cb?: (err?: Error) => void): void;
}

function byteLength(data: string | ArrayBuffer | ArrayBufferView): number {
  return typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function bytesOf(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

/** Whether `frame` is a non-empty list of Buffers (a prebuilt frame as engine.io takes it). */
function isFrameList(frame: unknown): frame is Buffer[] {
  if (!Array.isArray(frame) || frame.length === 0) return false;
  for (let i = 0; i < frame.length; i++) if (!Buffer.isBuffer(frame[i])) return false;
  return true;
}

/** The prebuilt frame of `packet` as one Buffer, when it has one (a broadcast's). */
function prebuiltFrame(packet: OutgoingPacket): Buffer | undefined {
  const frame = packet.options?.wsPreEncodedFrame;
  if (Buffer.isBuffer(frame)) return frame;
  if (Array.isArray(frame) && frame.length === 1 && Buffer.isBuffer(frame[0])) return frame[0];
  return undefined;
}

const TRANSPORT = Symbol("switchboard.transport");
type Carrier = WebSocket & { [TRANSPORT]: WebSocketTransport };

function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  (this as Carrier)[TRANSPORT].onMessage(data, isBinary);
}

function onSocketClose(this: WebSocket): void {
  (this as Carrier)[TRANSPORT].onSocketClose();
}

function onSocketError(this: WebSocket, err: Error): void {
  (this as Carrier)[TRANSPORT].onSocketError(err);
}

/**
 * One engine session over a `ws` WebSocket. The first packet of a turn to an idle session leaves
 * at once ({@link writeNow}); the packets queued after it in that turn leave in one write: a Buffer
 * of whole frames, or (with permessage-deflate, where ws must frame) one cork.
 */
export class WebSocketTransport extends Transport {
  private readonly deflateThreshold: number | undefined;

  constructor(
    readonly socket: WebSocket,
    perMessageDeflate: { threshold: number } | false,
  ) {
    super();
    this.deflateThreshold = perMessageDeflate === false ? undefined : perMessageDeflate.threshold;
    this.writable = true;
    // One listener function for every connection, finding its transport through the WebSocket:
    // three closures per connection would cost more than the one property.
    (socket as Carrier)[TRANSPORT] = this;
    socket.on("message", onMessage);
    // `on`, not `once`: ws emits "close" once, and a once wrapper costs ~150 bytes per connection.
    socket.on("close", onSocketClose);
    socket.on("error", onSocketError);
  }

  get name(): "websocket" {
    return "websocket";
  }

  // Read from the WebSocket when needed rather than kept: two fields less per connection.
  /** The TCP socket, which ws keeps private; corking it is what batches frames into one write. */
  private get raw(): NetSocket | undefined {
    return (this.socket as unknown as { _socket?: NetSocket })._socket;
  }

  /** The frame writer of ws, without permessage-deflate only: prebuilt frames bypass its deflate queue. */
  private get frameSender(): FrameSender | undefined {
    if (this.deflateThreshold !== undefined) return undefined;
    const sender = (this.socket as unknown as { _sender?: Partial<FrameSender> })._sender;
    return typeof sender?.sendFrame === "function" ? (sender as FrameSender) : undefined;
  }

  /** @internal */
  onMessage(data: RawData, isBinary: boolean): void {
    const handler = this.handler;
    if (!handler) return;
    let packet: EnginePacket;
    try {
      const frame = isBinary ? toBuffer(data) : toBuffer(data).toString("utf8");
      // v3 binary frames lead with the packet type; v4 ones are always a message.
      packet = this.protocol === 3 ? decodeEnginePacketV3(frame, "nodebuffer") : decodeEnginePacket(frame, "nodebuffer");
    } catch (err) {
      debug("bad websocket frame: %O", err);
      handler.onParseError(err instanceof Error ? err : new ProtocolError("INVALID_PAYLOAD", String(err)));
      return;
    }
    if (packet.type === "close") handler.onClose();
    else handler.onPacket(packet);
  }

  /** @internal */
  onSocketClose(): void {
    this.setReadyState("closed");
    const handler = this.handler;
    this.handler = null;
    handler?.onClose();
  }

  /** @internal */
  onSocketError(err: Error): void {
    debug("websocket error: %O", err);
    this.handler?.onError(err);
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  send(packets: readonly OutgoingPacket[], done?: (err?: Error) => void): void {
    if (this.readyState !== "open") {
      done?.(new Error("websocket transport closed"));
      return;
    }
    const count = packets.length;
    // Without permessage-deflate every packet becomes a whole frame (prebuilt by a broadcast, or
    // built here), and the batch leaves as one Buffer in one write. With deflate, ws frames them.
    const frameSender = this.frameSender;
    if (frameSender && count > 0 && this.socket.readyState === 1) {
      // A lone packet (a paced broadcast's one frame per recipient) needs no list of frames.
      let frame = count === 1 ? prebuiltFrame(packets[0]) : undefined;
      if (frame === undefined) {
        const frames: Buffer[] = [];
        for (let i = 0; i < count; i++) this.collectFrame(packets[i], frames);
        frame = frames.length === 1 ? frames[0] : Buffer.concat(frames);
      }
      if (done !== undefined) {
        this.writable = false;
        frameSender.sendFrame([frame], this.afterSend(done));
        return;
      }
      // Nothing to call back: the transport stays writable while the TCP socket takes the frames
      // (they only queue in it under backpressure, counted by bufferedAmount), and waits for its
      // drain only then. No callback and no closure per write.
      frameSender.sendFrame([frame]);
      this.waitIfBackpressured();
      return;
    }
    this.writable = false;
    const onSent = this.afterSend(done);
    if (count === 0) {
      onSent();
      return;
    }
    // A lone packet is one write: corking it would only route it through the stream's buffer.
    const corked = count > 1 ? this.raw : undefined;
    corked?.cork();
    try {
      for (let i = 0; i < count; i++) this.sendPacket(packets[i], i === count - 1 ? onSent : undefined);
    } finally {
      corked?.uncork();
    }
  }

  /** The callback of a batch's last write: the transport is writable again, `done` runs. */
  private afterSend(done: ((err?: Error) => void) | undefined): (err?: Error) => void {
    // ws calls write callbacks in order: the last frame's callback means the whole batch is out.
    return (err?: Error) => {
      if (err) debug("websocket write failed: %O", err);
      if (this.readyState === "open") this.writable = true;
      done?.(err);
      if (this.writable) this.handler?.onWritable();
    };
  }

  /** After a write without callback: when the TCP socket is over its mark, wait for its drain. */
  private waitIfBackpressured(): void {
    const raw = this.raw;
    if (raw !== undefined && raw.writableNeedDrain) this.waitForDrain(raw);
  }

  /** Not writable until the TCP socket drains. */
  private waitForDrain(raw: NetSocket): void {
    this.writable = false;
    raw.once("drain", () => {
      if (this.readyState !== "open") return;
      this.writable = true;
      this.handler?.onWritable();
    });
  }

  /** Appends the frame(s) of one packet: its prebuilt frame when valid, else one built from its bytes. */
  private collectFrame(packet: OutgoingPacket, frames: Buffer[]): void {
    const frame = packet.options?.wsPreEncodedFrame;
    if (frame !== undefined && !Buffer.isBuffer(frame) && isFrameList(frame)) {
      for (const part of frame) frames.push(part);
      return;
    }
    frames.push(this.frameOf(packet.type, packet.data, packet.options));
  }

  /** The frame of one packet, unless its prebuilt frame comes in several parts (then undefined). */
  private frameOf(type: OutgoingPacket["type"], data: EngineData | undefined, options: SendOptions | undefined): Buffer {
    if (options !== undefined) {
      const frame = options.wsPreEncodedFrame;
      if (Buffer.isBuffer(frame)) return frame;
      if (Array.isArray(frame) && frame.length === 1 && Buffer.isBuffer(frame[0])) return frame[0];
      const preEncoded = options.wsPreEncoded;
      if (preEncoded !== undefined) return typeof preEncoded === "string" ? textFrameOf(preEncoded) : buildFrame(preEncoded, TEXT);
    }
    if (type === "message" && typeof data === "string" && this.protocol === 4) return messageFrameOf(data);
    const encoded = this.protocol === 3 ? encodeEnginePacketV3({ type, data }, true) : encodeEnginePacket({ type, data }, true);
    return typeof encoded === "string" ? textFrameOf(encoded) : buildFrame(bytesOf(encoded), BINARY);
  }

  /**
   * Writes one packet straight to the TCP socket, outside any batch (see {@link Transport.writeNow}):
   * only without permessage-deflate, and not for a prebuilt frame in several parts.
   */
  override writeNow(type: OutgoingPacket["type"], data: EngineData | undefined, options: SendOptions | undefined): boolean {
    if (this.deflateThreshold !== undefined || this.socket.readyState !== 1) return false;
    const raw = this.raw;
    if (raw === undefined) return false;
    const prebuilt = options?.wsPreEncodedFrame;
    if (Array.isArray(prebuilt) && prebuilt.length !== 1) return false;
    // As ws's own frame writer does (it adds nothing without permessage-deflate).
    if (!raw.write(this.frameOf(type, data, options))) this.waitForDrain(raw);
    return true;
  }

  private sendPacket(packet: OutgoingPacket, callback: ((err?: Error) => void) | undefined): void {
    const options = packet.options;
    if (options === undefined) return this.sendEncoded(this.encode(packet), undefined, callback);
    const preEncoded = options.wsPreEncoded;
    if (preEncoded !== undefined) this.sendText(preEncoded, options.compress, callback);
    else this.sendEncoded(this.encode(packet), options.compress, callback);
  }

  /** Text as is; bytes as a binary frame (v3: led by the packet type). */
  private encode(packet: OutgoingPacket): string | ArrayBuffer | ArrayBufferView {
    return this.protocol === 3 ? encodeEnginePacketV3(packet, true) : encodeEnginePacket(packet, true);
  }

  /** Sends an encoded packet: text as a text frame, bytes as a binary frame. */
  private sendEncoded(data: string | ArrayBuffer | ArrayBufferView, compress: boolean | undefined, cb: ((err?: Error) => void) | undefined): void {
    if (typeof data === "string") return this.sendText(data, compress, cb);
    if (this.deflateThreshold === undefined) this.socket.send(data, cb);
    else this.socket.send(data, { compress: compress !== false && byteLength(data) >= this.deflateThreshold }, cb);
  }

  /** Sends a text frame (a Buffer holds its UTF-8 bytes). */
  private sendText(data: string | Buffer, compress: boolean | undefined, cb: ((err?: Error) => void) | undefined): void {
    if (this.deflateThreshold === undefined) {
      if (typeof data === "string") this.socket.send(data, cb);
      else this.socket.send(data, TEXT_FRAME, cb);
      return;
    }
    const deflate = compress !== false && byteLength(data) >= this.deflateThreshold;
    this.socket.send(data, deflate ? TEXT_FRAME_COMPRESSED : TEXT_FRAME_PLAIN, cb);
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

  /**
   * A TCP half-close instead of a closing handshake: the client sees its stream end and closes in
   * the same turn, so what it sends next waits for its reconnection instead of landing in a closing
   * WebSocket (where browsers and ws drop it). What it sent before is still read until its own end.
   */
  override handOff(): void {
    if (this.readyState !== "open") return;
    this.setReadyState("closing");
    const raw = this.raw;
    if (raw) raw.end();
    else this.socket.close();
  }
}
