import type { AddressInfo } from "node:net";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { switchboard } from "@switchboard/fastify";
import type { FrameworkOptions } from "@switchboard/server";
import type { RealtimeApp } from "../auth/harness.js";

/** A Fastify app with the plugin, listening on loopback port 0; `setup` runs before the plugin. */
export async function startFastify(
  options: FrameworkOptions,
  setup: (app: FastifyInstance) => void | Promise<void> = () => {},
  fastifyOptions: FastifyServerOptions = {},
): Promise<RealtimeApp & { app: FastifyInstance }> {
  const app = Fastify(fastifyOptions);
  await setup(app);
  await app.register(switchboard, options);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return { app, url: `http://127.0.0.1:${port}`, io: app.io, close: () => (closing ??= app.close()) };
}
