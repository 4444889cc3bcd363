import { HttpException, type CallHandler, type ExecutionContext, type NestInterceptor, type ValidationError } from "@nestjs/common";
import { EXCEPTION_FILTERS_METADATA } from "@nestjs/common/internal";
import { WsException } from "@nestjs/websockets";
import { catchError, throwError, type Observable } from "rxjs";
import type { WsErrorPayload } from "./ack-errors.js";
import { isServed } from "./served-sockets.js";

export type FieldError = NonNullable<WsErrorPayload["errors"]>[number];

/**
 * A validation failure as a client reads it, in the `exception` event or an `ackErrors` ack:
 * `{ status: "error", code: "validation_failed", message: "Validation failed: name, age", errors: [{ field, messages }] }`.
 */
export class WsValidationException extends WsException {
  constructor(readonly errors: FieldError[]) {
    const fields = errors.map((e) => e.field);
    super({
      status: "error",
      code: "validation_failed",
      message: fields.length > 0 ? `Validation failed: ${fields.join(", ")}` : "Validation failed",
      errors,
    } satisfies WsErrorPayload);
  }
}

function collect(errors: ValidationError[], prefix: string, out: FieldError[]): FieldError[] {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints && Object.keys(error.constraints).length > 0) {
      out.push({ field, messages: Object.values(error.constraints), constraints: { ...error.constraints } });
    }
    if (error.children?.length) collect(error.children, field, out);
  }
  return out;
}

/**
 * `ValidationPipe`'s `exceptionFactory` for exact field paths (nested ones too) and constraint names.
 *
 * @example
 * @UsePipes(new ValidationPipe({ exceptionFactory: validationExceptionFactory }))
 */
export function validationExceptionFactory(errors: ValidationError[]): WsValidationException {
  return new WsValidationException(collect(errors, "", []));
}

/**
 * A plain `ValidationPipe` throws a 400 whose messages start with the property path
 * (class-validator's default messages): group them by that field.
 */
function fromMessages(messages: string[]): FieldError[] {
  const byField = new Map<string, string[]>();
  for (const message of messages) {
    const field = /^([\w$.[\]-]+)\s/.exec(message)?.[1] ?? "";
    byField.set(field, [...(byField.get(field) ?? []), message]);
  }
  return [...byField].map(([field, fieldMessages]) => ({ field, messages: fieldMessages }));
}

/** The validation failure a pipe threw, as a WsValidationException; undefined for other errors. */
export function toValidationException(err: unknown): WsValidationException | undefined {
  if (err instanceof WsValidationException) return err;
  if (!(err instanceof HttpException) || err.getStatus() !== 400) return undefined;
  const response = err.getResponse();
  const message = typeof response === "object" && response !== null ? (response as { message?: unknown }).message : response;
  if (Array.isArray(message) && message.every((m) => typeof m === "string")) return new WsValidationException(fromMessages(message));
  // Built-in pipes (ParseIntPipe, ParseUUIDPipe...) say "Validation failed (...)".
  if (typeof message === "string" && message.startsWith("Validation failed")) {
    const ex = new WsValidationException([]);
    (ex.getError() as WsErrorPayload).message = message;
    return ex;
  }
  return undefined;
}

function hasOwnFilters(context: ExecutionContext): boolean {
  const onClass = Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, context.getClass()) as unknown[] | undefined;
  const onHandler = Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, context.getHandler()) as unknown[] | undefined;
  return (onClass?.length ?? 0) + (onHandler?.length ?? 0) > 0;
}

/**
 * An interceptor put first on every gateway: pipes run inside interceptors, so it sees a `ValidationPipe`'s
 * `BadRequestException`, which Nest's WebSocket filter would report as "Internal server error",
 * and rethrows it as a {@link WsValidationException}. Gateways with their own exception filters
 * get the original exception.
 */
export class ValidationErrorsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== "ws" || !isServed(context.switchToWs().getClient()) || hasOwnFilters(context)) return next.handle();
    return next.handle().pipe(catchError((err: unknown) => throwError(() => toValidationException(err) ?? err)));
  }
}
