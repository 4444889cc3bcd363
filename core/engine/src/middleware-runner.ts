import type { IncomingMessage, ServerResponse } from "node:http";

/** An Express-style middleware run on every engine request (and before WebSocket upgrades). */
export type EngineMiddleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * Runs middlewares in order; `done` gets the first error, or none. A middleware that ends the
 * response without calling `next` stops the chain (CORS preflights do that).
 */
export function runMiddlewares(middlewares: readonly EngineMiddleware[], req: IncomingMessage, res: ServerResponse, done: (err?: unknown) => void): void {
  let index = 0;
  const next = (err?: unknown): void => {
    if (err !== undefined && err !== null) return done(err);
    if (index >= middlewares.length) return done();
    const middleware = middlewares[index++];
    try {
      middleware(req, res, next);
    } catch (error) {
      done(error);
    }
  };
  next();
}
