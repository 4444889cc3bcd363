import { createServer, type Server as HttpServer } from "node:http";
import { ENGINE_PROTOCOL } from "@switchboard/protocol";
import { Engine } from "./engine.js";
import type { AttachOptions, EngineOptions } from "./engine-options.js";

/** The Engine.IO protocol revision the engine speaks (v3 clients are served with `allowEIO3`). */
export const protocol = ENGINE_PROTOCOL;

/**
 * Creates an engine and attaches it to an existing HTTP server (engine.io's `attach`).
 *
 * @example
 * const engine = attach(httpServer, { path: "/engine.io" });
 * engine.on("connection", (socket) => socket.send("hello"));
 */
export function attach(server: HttpServer, opts: EngineOptions & AttachOptions = {}): Engine {
  return new Engine(opts).attach(server, opts);
}

/**
 * Creates an HTTP server that answers only the engine (other requests get 501), attaches an engine
 * to it and starts listening on `port` (engine.io's `listen`). The server is `engine.httpServer`.
 *
 * @example
 * const engine = listen(3000, { pingInterval: 10000 }, () => console.log("listening"));
 */
export function listen(port: number, opts?: (EngineOptions & AttachOptions) | (() => void), fn?: () => void): Engine {
  if (typeof opts === "function") {
    fn = opts;
    opts = undefined;
  }
  const httpServer = createServer((_req, res) => {
    res.writeHead(501);
    res.end("Not Implemented");
  });
  const engine = attach(httpServer, opts);
  engine.httpServer = httpServer;
  httpServer.listen(port, fn);
  return engine;
}
