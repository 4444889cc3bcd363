// "@switchboard/server/framework": what a framework integration (Fastify, Express, NestJS...) builds
// on. Applications use the main entry; test/types/public-api.test.ts pins this list too.
export { createFrameworkServer, type FrameworkOptions, type FrameworkServer } from "./framework-server.js";
export { routeUpgrades, type UpgradeRouterOptions, type FrameworkHandler } from "./upgrade-router.js";
export { dispatchToEngine, type EngineEntry } from "./pending-upgrade.js";
export { mountExpressRoutes, type ExpressRouter } from "./express-routes.js";
export { registerFastifyRoutes, type FastifyScope, type FastifyReplyLike } from "./fastify-routes.js";
export { closeFrameworkServer, type CloseFrameworkOptions } from "./close-framework-server.js";
export { toAuthMiddleware } from "../auth/custom-auth.js";
export { attachClientServing, createClientFileHandler, serveClientFile, type ServeClientOptions } from "../serve-client.js";
