import type { Server as HttpServer } from "node:http";
import type { INestApplicationContext } from "@nestjs/common";
import {
  mountExpressRoutes,
  registerFastifyRoutes,
  routeUpgrades,
  type ExpressRouter,
  type FastifyScope,
  type FrameworkServer,
} from "@switchboard/server/framework";

/** The part of Nest's HTTP adapter that says which platform the application runs on. */
interface HttpAdapterLike {
  getType(): string;
  getInstance(): unknown;
}

/**
 * Serves the engine through the Nest application's own HTTP stack (Express or Fastify), so its
 * middlewares and hooks (sessions, helmet, `enableCors()`, rate limits) run on the handshake's
 * requests and WebSocket upgrades too: the core's framework routes, mounted on the platform's
 * instance. Returns a function that stops routing upgrades, or undefined when the platform is neither.
 */
export function routeThroughApplication(
  app: INestApplicationContext,
  httpServer: HttpServer,
  framework: Pick<FrameworkServer, "io" | "engine" | "enginePath" | "matches" | "serveClient">,
): (() => void) | undefined {
  const adapter = (app as INestApplicationContext & { getHttpAdapter?: () => HttpAdapterLike }).getHttpAdapter?.();
  const type = adapter?.getType();
  if (type === "express") mountExpressRoutes(adapter!.getInstance() as ExpressRouter, framework);
  // Fastify loads the scope when the application starts listening.
  else if (type === "fastify") void registerFastifyRoutes(adapter!.getInstance() as FastifyScope, framework);
  else return undefined;
  // The server's request listener is the platform's: its whole middleware chain runs on the upgrade.
  return routeUpgrades(httpServer, { matches: framework.matches });
}
