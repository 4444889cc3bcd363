import createDebug from "debug";
import { decodeEnginePayload, encodeEnginePayload, type EnginePacket } from "@switchboard/protocol";
import { Transport } from "./transport.js";
import { platform } from "./platform.js";
import { describeTransportFailure } from "./transport-failure.js";
import type { PendingRequest } from "./platform-types.js";

const debug = createDebug("switchboard:client:polling");

/**
 * HTTP long-polling: one pending GET receives, one POST at a time sends. `pause()` waits for both
 * to settle so the WebSocket upgrade can take over without losing a packet; `hold()` keeps a
 * completed poll from starting the next one while an upgrade probe awaits its answer.
 */
export class PollingTransport extends Transport {
  readonly name = "polling";
  #polling = false;
  #pollRequest: PendingRequest | undefined;
  #held = false;
  #onPause: (() => void) | undefined;

  protected doOpen(): void {
    this.#poll();
  }

  /** Stops polling once the current requests complete, then calls `onPause`. */
  pause(onPause: () => void): void {
    this.setReadyState("pausing");
    this.#onPause = onPause;
    this.#pauseIfIdle();
  }

  /**
   * A poll that completes while held does not start the next GET: an upgrade probe is waiting for
   * its answer, and a GET left pending then would make the upgrade wait until the server answers
   * it (engine.io sends a noop only every 100 ms). `resume()` ends the hold.
   */
  hold(): void {
    this.#held = true;
  }

  /** Ends a hold or a pause (the upgrade failed): polling goes on where it stopped. */
  resume(): void {
    this.#held = false;
    this.#onPause = undefined;
    if (this.readyState === "pausing" || this.readyState === "paused") this.setReadyState("open");
    if (this.readyState === "open" && !this.#polling) this.#poll();
  }

  #pauseIfIdle(): void {
    if (this.readyState !== "pausing" || this.#polling || !this.writable) return;
    debug("paused");
    this.setReadyState("paused");
    const onPause = this.#onPause;
    this.#onPause = undefined;
    onPause?.();
  }

  #poll(): void {
    this.#polling = true;
    const url = this.uri("http");
    const req = platform.request({ method: "GET", url, opts: this.opts, jar: this.jar });
    this.#pollRequest = req;
    this.emit("poll");
    req.response.then(
      ({ status, body }) => {
        if (this.#pollRequest !== req) return;
        this.#pollRequest = undefined;
        if (status !== 200) return this.#failed("xhr poll error", url, { status, body });
        this.#onData(body);
      },
      (err: unknown) => {
        if (this.#pollRequest !== req) return;
        this.#pollRequest = undefined;
        this.#failed("xhr poll error", url, { error: err });
      },
    );
  }

  /** socket.io-client's error (description: the status, or the request's error), with a status and a hint. */
  #failed(message: string, url: string, what: { status?: number; body?: unknown; error?: unknown }): void {
    const failure = describeTransportFailure({ transport: "polling", url, ...what });
    this.onError(message, what.status ?? what.error, what.body, failure);
  }

  #onData(payload: string): void {
    let packets: EnginePacket[];
    try {
      packets = decodeEnginePayload(payload, this.binaryType());
    } catch (err) {
      debug("bad payload: %s", (err as Error).message);
      return this.onError("parse error", err);
    }
    for (const packet of packets) {
      if (this.readyState === "opening" && packet.type === "open") this.onOpen();
      if (packet.type === "close") {
        this.onClose({ description: "transport closed by the server" });
        return;
      }
      this.onPacket(packet);
    }
    if (this.readyState === "closed") return;
    this.#polling = false;
    this.emit("pollComplete");
    if (this.readyState === "open" && !this.#held) this.#poll();
    else this.#pauseIfIdle();
  }

  protected write(packets: EnginePacket[]): void {
    this.writable = false;
    const url = this.uri("http");
    const req = platform.request({ method: "POST", url, body: encodeEnginePayload(packets), opts: this.opts, jar: this.jar });
    req.response.then(
      ({ status, body }) => {
        if (status !== 200) return this.#failed("xhr post error", url, { status, body });
        this.writable = true;
        this.emit("drain");
        this.#pauseIfIdle();
      },
      (err: unknown) => {
        if (this.readyState !== "closed") this.#failed("xhr post error", url, { error: err });
      },
    );
  }

  protected doClose(): void {
    const abortPoll = () => {
      const poll = this.#pollRequest;
      this.#pollRequest = undefined;
      poll?.abort();
    };
    if (this.readyState === "open") {
      // Tell the server, then drop the pending GET (the server answers it with a noop anyway).
      this.write([{ type: "close" }]);
      abortPoll();
    } else {
      abortPoll();
    }
  }
}
