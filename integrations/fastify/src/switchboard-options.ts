import type { FrameworkOptions, Server } from "@switchboard/server";

/** Options of the plugin: every `new Server(options)` option, plus `auth` (see `jwtAuth`). */
export interface SwitchboardFastifyOptions extends FrameworkOptions {}

declare module "fastify" {
  interface FastifyInstance {
    /**
     * The Socket.IO server registered by `@switchboard/fastify`, with the default (untyped) event
     * maps; `withSwitchboard<...>(app, options)` returns the app with `io` typed by your maps.
     */
    io: Server;
  }
}
