import type { Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Express } from "express";
import { switchboard, type SwitchboardMiddleware } from "@switchboard/express";
import type { FrameworkOptions } from "@switchboard/server";
import type { RealtimeApp } from "../auth/harness.js";

/** An Express app with the middleware mounted after `setup`'s, served by `app.listen` on loopback port 0. */
export async function startExpress(
  options: FrameworkOptions,
  setup: (app: Express) => void = () => {},
  after: (app: Express, realtime: SwitchboardMiddleware) => void = () => {},
): Promise<RealtimeApp & { app: Express; realtime: SwitchboardMiddleware; server: HttpServer }> {
  const app = express();
  setup(app);
  const realtime = switchboard(options);
  app.use(realtime);
  after(app, realtime);
  const server = await new Promise<HttpServer>((resolve, reject) => {
    const listening = app.listen(0, "127.0.0.1", (err?: Error) => (err ? reject(err) : resolve(listening)));
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return { app, realtime, server, url: `http://127.0.0.1:${port}`, io: realtime.io, close: () => (closing ??= realtime.io.close()) };
}
