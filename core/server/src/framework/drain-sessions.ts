import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import createDebug from "debug";
import type { Engine } from "../engine/index.js";

const debug = createDebug("switchboard:server");

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** The `sid` query parameter of an engine request, if any. */
function sidOf(url: string): string | null {
  const q = url.indexOf("?");
  return q === -1 ? null : new URLSearchParams(url.slice(q + 1)).get("sid");
}

/**
 * While a framework shuts down it refuses new requests (Fastify answers 503), yet a polling client
 * must come back once more to collect what was emitted before the shutdown and its close packet.
 * Until the returned function is called, requests for a session the engine still holds go straight
 * to the engine (they passed the framework's hooks at their handshake); everything else still goes
 * to the framework, which refuses it.
 *
 * @example
 * const release = drainSessions(app.server, matches, engine);
 * await io.close();
 * release();
 */
export function drainSessions(server: HttpServer, matches: (url: string | undefined) => boolean, engine: Engine): () => void {
  const previous = server.listeners("request") as RequestListener[];
  const listener: RequestListener = (req, res) => {
    const url = req.url;
    if (url !== undefined && matches(url)) {
      const sid = sidOf(url);
      if (sid !== null && Object.prototype.hasOwnProperty.call(engine.clients, sid)) {
        debug("shutdown: serving %s %s of session %s directly", req.method, url, sid);
        engine.handleRequest(req, res);
        return;
      }
    }
    for (const fn of previous) fn.call(server, req, res);
  };
  server.removeAllListeners("request");
  server.on("request", listener);
  return () => {
    if (!server.listeners("request").includes(listener)) return;
    server.off("request", listener);
    for (const fn of previous) server.on("request", fn);
  };
}
