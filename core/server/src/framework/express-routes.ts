import type { IncomingMessage, ServerResponse } from "node:http";
import { dispatchToEngine } from "./pending-upgrade.js";
import type { FrameworkServer } from "./framework-server.js";

/** The part of an Express app (or router) the engine's routes need; Express's own types fit it. */
export interface ExpressRouter {
  all(path: string, handler: (req: IncomingMessage, res: ServerResponse) => void): unknown;
  get(path: string, handler: (req: IncomingMessage, res: ServerResponse, next: () => void) => void): unknown;
}

/**
 * Mounts the engine's route (polling requests and the upgrades `routeUpgrades` sends through the
 * app) and, when the Server serves it, the client bundle's route on an Express app or router. The
 * app's middlewares registered before run on them.
 *
 * @example
 * mountExpressRoutes(app, createFrameworkServer(options));
 */
export function mountExpressRoutes(router: ExpressRouter, framework: Pick<FrameworkServer, "io" | "engine" | "enginePath" | "serveClient">): void {
  const { io, engine, enginePath, serveClient } = framework;
  router.all(enginePath, (req, res) => dispatchToEngine(engine, req, res));
  if (io.serveClient()) {
    router.get(`${io.path()}/:file`, (req, res, next) => {
      if (!serveClient(req, res)) next();
    });
  }
}
