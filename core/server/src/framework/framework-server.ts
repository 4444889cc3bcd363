import type { IncomingMessage, ServerResponse } from "node:http";
import type { DefaultEventsMap, EventsMap } from "@switchboard/protocol";
import { createPathMatcher, Engine } from "@switchboard/engine";
import { createClientFileHandler } from "../serve-client.js";
import { Server } from "../server.js";
import type { ServerOptions } from "../server-options.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Options of every framework integration: the Server's options, the shared `auth` (which guards
 * every namespace but `publicNamespaces`) among them.
 */
export type FrameworkOptions = Partial<ServerOptions>;

/** What an integration mounts: the Server, its Engine and where the engine answers. */
export interface FrameworkServer<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = any,
> {
  io: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  engine: Engine;
  /** The route the engine answers on: `/socket.io/` (or `/socket.io` without trailing slash). */
  enginePath: string;
  /** Whether a request URL (with query) is for the engine. */
  matches: (url: string | undefined) => boolean;
  /** Answers a request for the client bundle (`${path}/socket.io.js`...) if served; false otherwise. */
  serveClient: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/**
 * Creates the Server an integration exposes, with its own Engine bound but attached to no HTTP
 * server: the framework's router feeds it (`handleRequest`, `handleUpgrade`).
 *
 * @example
 * const { io, engine, enginePath } = createFrameworkServer({ auth: jwtAuth({ secret }) });
 */
export function createFrameworkServer<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = any,
>(options: FrameworkOptions = {}): FrameworkServer<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
  const io = new Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>(options);
  const path = io.path();
  const engine = new Engine({ ...io.opts.engine, path });
  io.bind(engine);
  const addTrailingSlash = options.addTrailingSlash ?? true;
  const serveClient = createClientFileHandler(path, { cors: options.cors });
  return {
    io,
    engine,
    enginePath: addTrailingSlash ? `${path}/` : path,
    matches: createPathMatcher(path, addTrailingSlash),
    serveClient: (req, res) => io.serveClient() && serveClient(req, res),
  };
}
