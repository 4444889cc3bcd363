import type { Server as HttpServer } from "node:http";
import createDebug from "debug";
import { interceptRequests, type Engine } from "@switchboard/engine";

const debug = createDebug("switchboard:server");

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
  return interceptRequests(server, (req, res) => {
    const url = req.url;
    if (url === undefined || !matches(url)) return false;
    const sid = sidOf(url);
    if (sid === null || !Object.prototype.hasOwnProperty.call(engine.clients, sid)) return false;
    debug("shutdown: serving %s %s of session %s directly", req.method, url, sid);
    engine.handleRequest(req, res);
    return true;
  });
}
