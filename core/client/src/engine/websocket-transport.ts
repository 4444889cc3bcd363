import createDebug from "debug";
import { decodeEnginePacket, encodeEnginePacket, type EnginePacket } from "@switchboard/protocol";
import { Transport } from "./transport.js";
import { platform } from "./platform.js";
import { describeTransportFailure } from "./transport-failure.js";
import type { WebSocketLike } from "./platform-types.js";

const debug = createDebug("switchboard:client:websocket");

/** WebSocket transport: one frame per packet, binary messages as binary frames. */
export class WebSocketTransport extends Transport {
  readonly name = "websocket";
  #ws: WebSocketLike | undefined;

  protected doOpen(): void {
    let ws: WebSocketLike;
    try {
      ws = platform.createWebSocket(this.uri("ws"), this.opts, this.jar, this.binaryType());
    } catch (err) {
      this.emit("error", err);
      return;
    }
    this.#ws = ws;
    ws.onopen = () => this.onOpen();
    ws.onclose = (ev) => this.onClose({ description: "websocket connection closed", context: ev });
    const url = this.uri("ws");
    ws.onerror = (ev) => this.onError("websocket error", ev, undefined, describeTransportFailure({ transport: "websocket", url, error: ev }));
    ws.onmessage = (ev) => {
      let packet: EnginePacket;
      try {
        packet = decodeEnginePacket(ev.data as string | ArrayBuffer, this.binaryType());
      } catch (err) {
        debug("bad frame: %s", (err as Error).message);
        this.onError("parse error", err);
        return;
      }
      this.onPacket(packet);
    };
  }

  override get bufferedAmount(): number | undefined {
    return this.#ws?.bufferedAmount;
  }

  protected write(packets: EnginePacket[]): void {
    const ws = this.#ws;
    if (!ws) return;
    this.writable = false;
    for (const packet of packets) {
      try {
        ws.send(encodeEnginePacket(packet, !this.opts.forceBase64));
      } catch (err) {
        debug("websocket send failed: %s", (err as Error).message);
      }
    }
    // Frames are queued by the WebSocket itself: the transport is writable again once this turn's
    // code is done. Not a timer: a close read from the network in between would find the packets
    // written meanwhile still in the socket's buffer and drop them (a server handover ends the
    // connection at any moment; engine.io-client does the same).
    queueMicrotask(() => {
      if (this.readyState === "closed") return;
      this.writable = true;
      this.emit("drain");
    });
  }

  protected doClose(): void {
    const ws = this.#ws;
    if (!ws) return;
    ws.onclose = null;
    ws.onerror = () => {};
    ws.onmessage = null;
    try {
      ws.close();
    } catch (err) {
      debug("close failed: %s", (err as Error).message);
    }
    this.#ws = undefined;
  }
}
