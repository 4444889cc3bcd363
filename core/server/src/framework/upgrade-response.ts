import { ServerResponse, type IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import createDebug from "debug";

const debug = createDebug("switchboard:server");

/** A response for an HTTP upgrade request, written to the raw socket if a framework answers it. */
export interface UpgradeResponse {
  readonly res: ServerResponse;
  /** Hands the socket back untouched (to the engine's `handleUpgrade`); the response is then unused. */
  release(): void;
}

/**
 * Builds the `ServerResponse` a framework's hooks and middlewares see for an upgrade request.
 * Node gives upgrades no response object; this one writes straight to the upgrade socket, so a
 * hook that answers (a 401, a CORS refusal, a 404) reaches the client as a normal HTTP answer,
 * after which the socket is closed.
 *
 * @example
 * const { res, release } = createUpgradeResponse(req, socket);
 * frameworkHandler(req, res); // either answers on `res`, or the route calls release() + handleUpgrade
 */
export function createUpgradeResponse(req: IncomingMessage, socket: Duplex): UpgradeResponse {
  const res = new ServerResponse(req);
  // An upgrade socket can carry no second request: whatever the framework answers is the last word.
  res.shouldKeepAlive = false;
  const onSocketError = (err: Error) => debug("upgrade socket error before the engine took it: %O", err);
  socket.on("error", onSocketError);
  res.assignSocket(socket as Socket);
  let released = false;
  res.once("finish", () => {
    if (released) return;
    debug("upgrade of %s answered %d by the framework: closing the socket", req.url, res.statusCode);
    socket.end(() => socket.destroy());
  });
  return {
    res,
    release() {
      if (released) return;
      released = true;
      res.detachSocket(socket as Socket);
      socket.off("error", onSocketError);
    },
  };
}
