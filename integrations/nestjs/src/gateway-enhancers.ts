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

/** Nest reads class enhancers with inheritance: keep a base class's, once, after ours. */
function prepend(key: string, target: Function, enhancer: object): void {
  const existing = (Reflect.getMetadata(key, target) as unknown[] | undefined) ?? [];
  Reflect.defineMetadata(key, [enhancer, ...existing.filter((e) => e !== enhancer)], target);
}

/**
 * Puts the validation interceptor (and, on gateways using `ackErrors`, the marker guard) first
 * on every gateway class of the application. Class-level enhancers, unlike global ones, leave
 * the HTTP routes on Nest's fast path. Both are inert for sockets of another adapter. Tells
 * whether any gateway uses `ackErrors` (the adapter then tracks each message's ack).
 */
export function enhanceGateways(app: INestApplicationContext): { gateways: number; ackErrors: boolean } {
  let modules: ModulesContainer;
  try {
    modules = app.get(ModulesContainer, { strict: false });
  } catch (err) {
    debug("no modules container, gateways keep Nest's own error handling: %O", err);
    return { gateways: 0, ackErrors: false };
  }
  let gateways = 0;
  let ackErrors = false;
  for (const module of modules.values()) {
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
