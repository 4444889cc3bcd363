// `socket.io-client` 2.x (Engine.IO v3, Socket.IO v4 protocol), installed as the alias
// `socket.io-client-v2`: the peer old mobile apps and dashboards still ship. It has no types of its
// own; this describes the part the tests use.
import { createRequire } from "node:module";

/** What a 2.x client socket offers the tests. */
export interface V2Socket {
  readonly id: string;
  readonly connected: boolean;
  /** Set before the namespace's CONNECT to send a query (it becomes `handshake.auth`). */
  query?: Record<string, string> | string;
  readonly io: {
    readonly engine: { readonly id: string; readonly transport: { readonly name: string }; once(event: string, fn: (...args: unknown[]) => void): unknown };
    readonly opts: Record<string, unknown>;
  };
  on(event: string, fn: (...args: any[]) => void): V2Socket;
  once(event: string, fn: (...args: any[]) => void): V2Socket;
  off(event: string, fn?: (...args: any[]) => void): V2Socket;
  emit(event: string, ...args: unknown[]): V2Socket;
  disconnect(): V2Socket;
  close(): V2Socket;
}

export interface V2Options {
  transports?: string[];
  upgrade?: boolean;
  forceNew?: boolean;
  multiplex?: boolean;
  reconnection?: boolean;
  forceBase64?: boolean;
  forceJSONP?: boolean;
  path?: string;
  query?: Record<string, string>;
  timeout?: number;
}

const require = createRequire(import.meta.url);

/** `io(url, opts)` of socket.io-client 2.x. */
export const ioV2 = require("socket.io-client-v2") as (url: string, opts?: V2Options) => V2Socket;

/** The 2.x client's package directory (its browser bundle is under `dist/`). */
export function v2ClientDir(): string {
  return require.resolve("socket.io-client-v2/package.json").replace(/package\.json$/, "");
}
