import type { INestApplicationContext, Type } from "@nestjs/common";
import { GUARDS_METADATA, INTERCEPTORS_METADATA } from "@nestjs/common/internal";
import { ModulesContainer, NestApplicationContext } from "@nestjs/core";
import { GATEWAY_METADATA } from "@nestjs/websockets/constants.js";
import createDebug from "debug";
import { AckErrorsMarker, usesAckErrors } from "./ack-errors.js";
import { SwitchboardAdapterError } from "./switchboard-adapter-options.js";
import { ValidationErrorsInterceptor } from "./validation-errors.js";

const debug = createDebug("switchboard:nestjs");

const marker = new AckErrorsMarker();
const interceptor = new ValidationErrorsInterceptor();
/** Class metadata is global to the process: each gateway class is enhanced once, whatever the app. */
const enhanced = new WeakSet<Function>();

/** Nest reads class enhancers with inheritance: keep a base class's, once, after ours. */
function prepend(key: string, target: Function, enhancer: object): void {
  const existing = (Reflect.getMetadata(key, target) as unknown[] | undefined) ?? [];
  Reflect.defineMetadata(key, [enhancer, ...existing.filter((e) => e !== enhancer)], target);
}

type Modules = ReturnType<ModulesContainer["values"]>;

/**
 * The application's modules. `app.get(ModulesContainer)` finds only the class of the copy of
 * `@nestjs/core` this package imports, and Nest answers a failed lookup by exiting the process.
 * With two copies installed (a monorepo's app with its own), the application's own container is
 * read instead; an application offering neither is refused with a clear error.
 */
function modulesOf(app: INestApplicationContext): Modules {
  if (app instanceof NestApplicationContext) return app.get(ModulesContainer, { strict: false }).values();
  const container = (app as { container?: { getModules?: () => ModulesContainer } }).container;
  if (typeof container?.getModules === "function") {
    debug("the application comes from another copy of @nestjs/core: reading its modules from its container");
    return container.getModules().values();
  }
  throw new SwitchboardAdapterError(
    "NEST_CORE_MISMATCH",
    "new SwitchboardAdapter(app): app is not an application of the @nestjs/core that @switchboard/nestjs loads. Two copies of @nestjs/core are probably installed (`npm ls @nestjs/core` lists them): give every package the same @nestjs/core version and run `npm dedupe`.",
  );
}

/**
 * Puts the validation interceptor (and, on gateways using `ackErrors`, the marker guard) first
 * on every gateway class of the application. Class-level enhancers, unlike global ones, leave
 * the HTTP routes on Nest's fast path. Both are inert for sockets of another adapter. Tells
 * whether any gateway uses `ackErrors` (the adapter then tracks each message's ack).
 */
export function enhanceGateways(app: INestApplicationContext): { gateways: number; ackErrors: boolean } {
  let gateways = 0;
  let ackErrors = false;
  for (const module of modulesOf(app)) {
    for (const wrapper of module.providers.values()) {
      const metatype = wrapper.metatype as Type<unknown> | Function | null | undefined;
      if (typeof metatype !== "function" || wrapper.inject || !Reflect.getMetadata(GATEWAY_METADATA, metatype)) continue;
      gateways++;
      const acks = usesAckErrors(metatype);
      ackErrors ||= acks;
      if (enhanced.has(metatype)) continue;
      enhanced.add(metatype);
      prepend(INTERCEPTORS_METADATA, metatype, interceptor);
      if (acks) prepend(GUARDS_METADATA, metatype, marker);
    }
  }
  debug("%d gateway classes, ackErrors %s", gateways, ackErrors);
  return { gateways, ackErrors };
}
