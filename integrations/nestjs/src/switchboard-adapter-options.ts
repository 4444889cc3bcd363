import type { CanActivate, INestApplicationContext, InjectionToken, Type } from "@nestjs/common";
import type { FrameworkOptions } from "@switchboard/server";

/** A Nest guard run once per connection, before `handleConnection`: an instance or a class (taken from the DI container, else constructed). */
export type ConnectionGuard = CanActivate | Type<CanActivate>;

/**
 * Options of {@link SwitchboardAdapter}: every `new Server(options)` option (the gateway's own
 * `@WebSocketGateway({...})` options win over them), plus:
 */
export interface SwitchboardAdapterOptions extends FrameworkOptions {
  /**
   * Nest guards run at handshake time on every namespace the adapter serves. A guard returning
   * false refuses with `connect_error` `data.code === "forbidden"`; a thrown error keeps its
   * message (and its `code` or HTTP status as the code).
   */
  connectionGuards?: ConnectionGuard[];
  /**
   * Serve gateways on the application's HTTP server through the application's own Express or
   * Fastify stack, so its middlewares and hooks (sessions, helmet, `enableCors()`...) run on the
   * handshake's requests and WebSocket upgrades (`socket.request.session` then exists). Default
   * false: like IoAdapter, the engine answers before the application sees the request.
   */
  routeThroughApp?: boolean;
}

/** Options built by a provider of the application: `useExisting` a token, or `useFactory` with `inject`. */
export type SwitchboardAdapterOptionsSource =
  | { useExisting: InjectionToken }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a factory takes the injected providers' types, as in Nest
  | { useFactory: (...deps: any[]) => SwitchboardAdapterOptions; inject?: InjectionToken[] };

/** Thrown when options from the DI container cannot be read, or the application's modules cannot be (`NEST_CORE_MISMATCH`). */
export class SwitchboardAdapterError extends Error {
  constructor(
    readonly code: "ASYNC_OPTIONS_FACTORY" | "NO_APPLICATION_CONTEXT" | "INVALID_OPTIONS" | "NEST_CORE_MISMATCH",
    message: string,
  ) {
    super(message);
    this.name = "SwitchboardAdapterError";
  }
}

function isSource(value: unknown): value is SwitchboardAdapterOptionsSource {
  return typeof value === "object" && value !== null && ("useExisting" in value || "useFactory" in value);
}

/**
 * Reads the adapter's options, from the DI container when they come from a provider. Runs when
 * the first gateway is set up (`app.init()`), when every provider, async ones included, exists.
 */
export function resolveAdapterOptions(
  source: SwitchboardAdapterOptions | SwitchboardAdapterOptionsSource,
  app: INestApplicationContext | undefined,
): SwitchboardAdapterOptions {
  if (!isSource(source)) return source;
  if (app === undefined) {
    throw new SwitchboardAdapterError(
      "NO_APPLICATION_CONTEXT",
      "options from the DI container need `new SwitchboardAdapter(app, ...)` with the Nest application",
    );
  }
  const get = (token: InjectionToken) => app.get<unknown>(token as string | symbol | Type<unknown>, { strict: false });
  let options: unknown;
  if ("useExisting" in source) {
    options = get(source.useExisting);
  } else {
    options = source.useFactory(...(source.inject ?? []).map(get));
  }
  if (options instanceof Promise) {
    throw new SwitchboardAdapterError(
      "ASYNC_OPTIONS_FACTORY",
      "the options factory returned a Promise: make it an (async) provider of your module and pass { useExisting: TOKEN }",
    );
  }
  if (typeof options !== "object" || options === null) {
    throw new SwitchboardAdapterError("INVALID_OPTIONS", "the options provider gave no object");
  }
  return options;
}
