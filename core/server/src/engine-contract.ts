import type { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import type { SendOptions } from "@switchboard/engine";

/** Write options the Socket.IO layer passes down to an engine connection (the Engine's own). */
export type EngineWriteOptions = SendOptions;

/**
 * What the Socket.IO layer needs from one engine connection: the shape of an `engine.io` 6.x
 * server socket, so both our Engine and the official one can carry it.
 */
export interface EngineConnection extends EventEmitter {
  readonly id: string;
  readonly request: IncomingMessage;
  readonly protocol: number;
  readonly readyState: string;
  readonly remoteAddress?: string;
  readonly transport: { readonly name: string; readonly writable?: boolean };
  /** Packets written but not flushed yet (engine.io's socket and ours both expose it). */
  readonly writeBuffer?: readonly unknown[];
  /** Whether a packet already went out at once in this event-loop turn (ours only). */
  readonly wroteThisTurn?: boolean;
  /** Bytes held for the client: queued, plus what the transport has not handed to the OS (ours only). */
  readonly bufferedAmount?: number;
  /** Flow control: over `writeBufferHighWaterMark` until `belowHighWaterMark` (ours only; engine.io has neither). */
  readonly writableNeedDrain?: boolean;
  write(data: string | Uint8Array | ArrayBuffer, options?: EngineWriteOptions, callback?: () => void): unknown;
  close(discard?: boolean): unknown;
}

/** What the Socket.IO layer needs from an engine server (ours or `engine.io`'s `Server`). */
export interface EngineServerLike extends EventEmitter {
  readonly clientsCount: number;
  generateId(req: IncomingMessage): string | PromiseLike<string>;
  close(): unknown;
}
