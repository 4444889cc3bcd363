import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { responseHeaders } from "@switchboard/engine";
import type { UpgradeResponse } from "./upgrade-response.js";

/** The raw parts of an upgrade request waiting for the framework's router to reach the engine. */
export interface StashedUpgrade {
  socket: Duplex;
  head: Buffer;
  response: UpgradeResponse;
}

const pending = new WeakMap<IncomingMessage, StashedUpgrade>();

/** Stashes an upgrade's socket and head on its request while the framework routes it. */
export function stashUpgrade(req: IncomingMessage, upgrade: StashedUpgrade): void {
  pending.set(req, upgrade);
}

/** Takes (once) the upgrade stashed for a request; undefined for plain HTTP requests. */
export function takeUpgrade(req: IncomingMessage): StashedUpgrade | undefined {
  const upgrade = pending.get(req);
  if (upgrade) pending.delete(req);
  return upgrade;
}

// The WebSocket handshake's own headers, and the framing ones no 101 may carry: never copied.
const HANDSHAKE_HEADERS = /^(connection|upgrade|keep-alive|content-length|transfer-encoding|sec-websocket-.*)$/i;

/** What the engine route calls: the engine's two entry points. */
export interface EngineEntry {
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, headers?: Record<string, string | string[]>): void;
}

/**
 * The end of a framework's engine route: an upgrade routed through the framework goes to
 * `handleUpgrade` with its raw socket and the headers the framework's hooks set on its response
 * (CORS, helmet...: they belong on the 101 answer), any other request to `handleRequest`.
 *
 * @example
 * app.all("/socket.io/", (req, res) => dispatchToEngine(engine, req, res));
 */
export function dispatchToEngine(engine: EngineEntry, req: IncomingMessage, res: ServerResponse): void {
  const upgrade = takeUpgrade(req);
  if (upgrade === undefined) {
    engine.handleRequest(req, res);
    return;
  }
  const headers = responseHeaders(res);
  for (const name of Object.keys(headers)) if (HANDSHAKE_HEADERS.test(name)) delete headers[name];
  upgrade.response.release();
  engine.handleUpgrade(req, upgrade.socket, upgrade.head, headers);
}
