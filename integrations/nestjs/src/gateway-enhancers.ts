import type { INestApplicationContext, Type } from "@nestjs/common";
import { GUARDS_METADATA, INTERCEPTORS_METADATA } from "@nestjs/common/internal";
import { ModulesContainer } from "@nestjs/core";
import { GATEWAY_METADATA } from "@nestjs/websockets/constants.js";
import createDebug from "debug";
import { AckErrorsMarker, usesAckErrors } from "./ack-errors.js";
import { ValidationErrorsInterceptor } from "./validation-errors.js";

const debug = createDebug("switchboard:nestjs");

const marker = new AckErrorsMarker();
const interceptor = new ValidationErrorsInterceptor();
/** Class metadata is global to the process: each gateway class is enhanced once, whatever the app. */
const enhanced = new WeakSet<Function>();

function prepend(key: string, target: Function, enhancer: object): void {
  const existing = (Reflect.getOwnMetadata(key, target) as unknown[] | undefined) ?? [];
  Reflect.defineMetadata(key, [enhancer, ...existing], target);
}

/**
 * Puts the validation interceptor (and, on gateways using `ackErrors`, the marker guard) first
 * on every gateway class of the application. Class-level enhancers, unlike global ones, leave
 * the HTTP routes on Nest's fast path. Both are inert for sockets of another adapter. Returns
 * how many gateways were enhanced.
 */
export function enhanceGateways(app: INestApplicationContext): number {
  let modules: ModulesContainer;
  try {
    modules = app.get(ModulesContainer, { strict: false });
  } catch (err) {
    debug("no modules container, gateways keep Nest's own error handling: %O", err);
    return 0;
  }
  let count = 0;
  for (const module of modules.values()) {
    for (const wrapper of module.providers.values()) {
      const metatype = wrapper.metatype as Type<unknown> | Function | null | undefined;
      if (typeof metatype !== "function" || wrapper.inject || !Reflect.getMetadata(GATEWAY_METADATA, metatype) || enhanced.has(metatype)) continue;
      enhanced.add(metatype);
      prepend(INTERCEPTORS_METADATA, metatype, interceptor);
      if (usesAckErrors(metatype)) prepend(GUARDS_METADATA, metatype, marker);
      count++;
    }
  }
  debug("enhanced %d gateway classes", count);
  return count;
}
