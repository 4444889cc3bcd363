import type { FastifyInstance } from "fastify";
import type { DefaultEventsMap, EventsMap } from "@switchboard/protocol";
import type { Server } from "@switchboard/server";
import type { SwitchboardFastifyOptions } from "./switchboard-options.js";
import { switchboard } from "./switchboard-plugin.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A Fastify app whose `io` carries the given event maps. */
export type FastifyWithSwitchboard<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = any,
  App extends FastifyInstance<any, any, any, any, any> = FastifyInstance,
> = Omit<App, "io"> & { readonly io: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData> };

/**
 * Registers the plugin and returns the same app, typed so that `app.io` knows your event maps
 * (Fastify cannot change an instance's type through `register`).
 *
 * @example
 * const app = await withSwitchboard<ClientEvents, ServerEvents>(Fastify(), { auth: jwtAuth({ secret }) });
 * app.io.on("connection", (socket) => socket.emit("welcome", "hi")); // checked against ServerEvents
 */
export async function withSwitchboard<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = any,
  App extends FastifyInstance<any, any, any, any, any> = FastifyInstance,
>(app: App, options: SwitchboardFastifyOptions = {}): Promise<FastifyWithSwitchboard<ListenEvents, EmitEvents, ServerSideEvents, SocketData, App>> {
  await (app as unknown as FastifyInstance).register(switchboard, options);
  return app;
}
