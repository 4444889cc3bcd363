import { AsyncLocalStorage } from "node:async_hooks";
import { type CanActivate, type ExecutionContext, SetMetadata } from "@nestjs/common";
import { GATEWAY_OPTIONS } from "@nestjs/websockets/constants.js";
import createDebug from "debug";

const debug = createDebug("switchboard:nestjs");

const ACK_ERRORS = "switchboard:ack_errors";

/** The error shape an `ackErrors` gateway sends through the client's ack instead of an `exception` event. */
export interface AckError<Payload = WsErrorPayload> {
  error: Payload;
}

/** What Nest's exception filters emit (`{ status: "error", message }`), plus our validation fields. */
export interface WsErrorPayload {
  status: "error";
  message: string;
  code?: string;
  errors?: Array<{ field: string; messages: string[]; constraints?: Record<string, string> }>;
  cause?: { pattern: string; data: unknown };
  [key: string]: unknown;
}

/**
 * Opt-in per gateway (on the class) or per message (on a method): when the client sent an ack,
 * an error (guard refusal, pipe or validation failure, thrown `WsException`) answers through it
 * as `{ error: payload }` instead of the `exception` event. Same as `@WebSocketGateway({ ackErrors: true })`.
 *
 * @example
 * @AckErrors()
 * @WebSocketGateway({ namespace: "orders" })
 * class OrdersGateway {}
 */
export const AckErrors = (enabled = true) => SetMetadata(ACK_ERRORS, enabled);

/** The message being handled, followed across the awaits of guards, pipes, handler and filters. */
interface MessageScope {
  socket: object;
  ack: unknown;
  ackErrors: boolean;
  answered: boolean;
}

const scopes = new AsyncLocalStorage<MessageScope>();

/** Runs a message's handling in its own scope, so an `exception` emitted for it can find its ack. */
export function runInMessageScope<T>(socket: object, ack: unknown, fn: () => T): T {
  return scopes.run({ socket, ack, ackErrors: false, answered: false }, fn);
}

function acksErrors(context: ExecutionContext): boolean {
  const onHandler = Reflect.getMetadata(ACK_ERRORS, context.getHandler()) as boolean | undefined;
  if (onHandler !== undefined) return onHandler;
  const gateway = context.getClass();
  const onClass = Reflect.getMetadata(ACK_ERRORS, gateway) as boolean | undefined;
  if (onClass !== undefined) return onClass;
  const options = Reflect.getMetadata(GATEWAY_OPTIONS, gateway) as { ackErrors?: boolean } | undefined;
  return options?.ackErrors === true;
}

/** Whether a gateway class, or one of its handlers, opts into errors through the ack. */
export function usesAckErrors(gateway: Function): boolean {
  const options = Reflect.getMetadata(GATEWAY_OPTIONS, gateway) as { ackErrors?: boolean } | undefined;
  if (options?.ackErrors === true || Reflect.getMetadata(ACK_ERRORS, gateway) === true) return true;
  for (let proto = gateway.prototype as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const method = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
      if (typeof method === "function" && Reflect.getMetadata(ACK_ERRORS, method) === true) return true;
    }
  }
  return false;
}

/**
 * A guard that never refuses, put first on `ackErrors` gateways: it records for the message being
 * handled whether its errors answer through the ack (only guards and later steps know the handler).
 */
export class AckErrorsMarker implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== "ws") return true;
    const scope = scopes.getStore();
    if (scope !== undefined && scope.socket === context.switchToWs().getClient()) scope.ackErrors = acksErrors(context);
    return true;
  }
}

const wrapped = new WeakSet<object>();

/**
 * Turns the `exception` events emitted while an `ackErrors` message is handled into its ack's
 * answer. Exception filters only know the client, so the socket's `emit` is where to catch them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any socket's typed `emit` fits
export function answerExceptionsThroughAcks(socket: { emit: (event: string, ...args: any[]) => boolean }): void {
  if (wrapped.has(socket)) return;
  wrapped.add(socket);
  const emit = socket.emit;
  socket.emit = function (this: typeof socket, event: string, ...args: unknown[]): boolean {
    if (event === "exception") {
      const scope = scopes.getStore();
      if (scope !== undefined && scope.socket === socket && scope.ackErrors && !scope.answered && typeof scope.ack === "function") {
        scope.answered = true;
        debug("answering an exception through the ack: %o", args[0]);
        (scope.ack as (answer: AckError<unknown>) => void)({ error: args[0] });
        return true;
      }
    }
    return emit.call(this, event, ...args);
  };
}
