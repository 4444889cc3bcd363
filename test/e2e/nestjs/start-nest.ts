import "reflect-metadata";
import type { AddressInfo } from "node:net";
import { Module, type INestApplication, type NestApplicationOptions, type Type } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { FastifyAdapter } from "@nestjs/platform-fastify";
import { WebSocketGateway, WebSocketServer } from "@nestjs/websockets";
import { SwitchboardAdapter, type Server, type SwitchboardAdapterOptions, type SwitchboardAdapterOptionsSource } from "@switchboard/nestjs";
import type { FrameworkOptions } from "@switchboard/server";
import type { RealtimeApp } from "../auth/harness.js";

export type Platform = "express" | "fastify";

export interface NestStartOptions {
  platform?: Platform;
  adapter?: SwitchboardAdapterOptions | SwitchboardAdapterOptionsSource;
  app?: NestApplicationOptions;
  /** Runs before `listen` (global pipes, enableShutdownHooks...). */
  setup?: (app: INestApplication) => void | Promise<void>;
}

export interface NestApp {
  app: INestApplication;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Boots a Nest application of `module` with the Switchboard adapter, listening on 127.0.0.1 port 0. */
export async function startNest(module: Type<unknown>, options: NestStartOptions = {}): Promise<NestApp> {
  const appOptions: NestApplicationOptions = { logger: false, ...options.app };
  const app =
    options.platform === "fastify" ? await NestFactory.create(module, new FastifyAdapter(), appOptions) : await NestFactory.create(module, appOptions);
  app.useWebSocketAdapter(new SwitchboardAdapter(app, options.adapter));
  await options.setup?.(app);
  await app.listen(0, "127.0.0.1");
  const { port } = app.getHttpServer().address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return { app, port, url: `http://127.0.0.1:${port}`, close: () => (closing ??= app.close()) };
}

@WebSocketGateway()
class IoGateway {
  @WebSocketServer() io!: Server;
}

@Module({ providers: [IoGateway] })
class IoModule {}

/** The shared e2e suites' view of a Nest app: a bare gateway whose `@WebSocketServer()` is the `io`. */
export function startNestRealtime(platform: Platform) {
  return async (options: FrameworkOptions): Promise<RealtimeApp> => {
    const nest = await startNest(IoModule, { platform, adapter: options });
    return { url: nest.url, io: nest.app.get(IoGateway).io, close: nest.close };
  };
}
