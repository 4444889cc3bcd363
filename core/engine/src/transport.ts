import { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import type { EngineData, EnginePacket, EnginePacketType } from "@switchboard/protocol";
import type { TransportName } from "./engine-options.js";
import { deferListeners, deferListenersOf } from "./listener-store.js";

/** Per-packet send options. */
export interface SendOptions {
  /** Allow compression (polling gzip/deflate, permessage-deflate). Default true. */
  compress?: boolean;
  /**
   * The engine text frame already encoded (`"4" + text`, as a string or its UTF-8 bytes): sent
   * as-is as a WebSocket *text* frame, so a broadcast encodes once for every recipient (a Buffer
   * also spares `ws` the UTF-8 conversion per recipient). Polling ignores it and encodes `data`.
   */
  wsPreEncoded?: string | Buffer;
  /**
   * A complete WebSocket frame (header and payload, e.g. from `WebSocket.Sender.frame()`), written
   * straight to the TCP socket. Used only while permessage-deflate is off; otherwise the engine
   * falls back to `wsPreEncoded`, then to `data`. Must be a Buffer or an array of Buffers;
   * anything else is ignored (typed `unknown` to accept engine.io's option shape).
   */
  wsPreEncodedFrame?: unknown;
  /** May be dropped rather than queued when the session's write buffer is full (`socket.volatile`). */
  volatile?: boolean;
}

/** A packet waiting in a socket's write buffer. */
export interface OutgoingPacket {
  type: Exclude<EnginePacketType, "error">;
  data?: EngineData;
  options?: SendOptions;
}

/** What a transport reports to whoever owns it (the socket, or an upgrade probe). */
export interface TransportHandler {
  onPacket(packet: EnginePacket): void;
  /** Malformed input: the session closes with "parse error". */
  onParseError(err: Error): void;
  /** A transport failure: the session closes with "transport error". */
  onError(err: Error): void;
  /** The peer went away (or sent a close packet). */
  onClose(): void;
  /** The transport can take the next batch. */
  onWritable(): void;
}

export type TransportReadyState = "open" | "closing" | "closed";

/** Hook letting the engine add headers (CORS, cookie, `headers` event) to polling responses. */
export type HeadersHook = (headers: Record<string, string | string[]>, req: IncomingMessage, sid: string) => void;

/**
 * Base of the polling and WebSocket transports: a channel that carries batches of engine packets.
 * The owning socket receives everything through `handler` (no events on the hot path).
 */
export abstract class Transport extends EventEmitter {
  abstract readonly name: TransportName;
  /** True while a batch can be written right away. */
  writable = false;
  readyState: TransportReadyState = "open";
  handler: TransportHandler | null = null;
  /** Id of the session this transport carries. */
  sid = "";
  /** Engine.IO revision spoken: 4, or 3 for `socket.io-client` 2.x (`allowEIO3`). */
  protocol: 3 | 4 = 4;
  /** Set when a newer transport replaced this one: closing it must not bother the client. */
  protected discarded = false;

  constructor() {
    super();
    // Nothing listens to most transports (the socket is told through `handler`).
    deferListeners(this);
  }

  /**
   * Bytes handed to this transport that have not reached the OS yet (a client that stops reading
   * makes them pile up). Read only when a write passes the session's budget, never per packet.
   */
  abstract get bufferedAmount(): number;

  /** Writes a batch; `done` runs once it is handed to the network (or failed). */
  abstract send(packets: readonly OutgoingPacket[], done?: (err?: Error) => void): void;

  /**
   * Writes one packet at once, outside any batch, when this transport can (a WebSocket without
   * permessage-deflate): returns false, having written nothing, when it cannot.
   */
  writeNow(_type: OutgoingPacket["type"], _data: EngineData | undefined, _options: SendOptions | undefined): boolean {
    return false;
  }

  /** Closes the channel; `graceful` lets a polling client collect a close packet first. */
  abstract close(graceful?: boolean): void;

  /** Drops the channel at once (dead peer, transport error): no closing handshake. */
  abstract destroy(): void;

  /**
   * Ends the channel for a handover to another node: nothing more is written, but what the
   * client sent before it saw the end is still read. By default a graceful close.
   */
  handOff(): void {
    this.close(true);
  }

  discard(): void {
    this.discarded = true;
  }

  protected setReadyState(state: TransportReadyState): void {
    const previous = this.readyState;
    this.readyState = state;
    if (state !== "open") this.writable = false;
    // engine.io's transports are event emitters too: "close" once, for whoever listens.
    if (state === "closed" && previous !== "closed" && this.listenerCount("close") > 0) this.emit("close");
  }
}
deferListenersOf(Transport);
