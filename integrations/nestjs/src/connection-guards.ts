import type { CanActivate, INestApplicationContext, Type } from "@nestjs/common";
import createDebug from "debug";
import { isObservable, lastValueFrom } from "rxjs";
import { AuthError, type AuthMiddleware, type AuthSocket } from "@switchboard/server";
import { ConnectionContext } from "./connection-context.js";
import type { ConnectionGuard } from "./switchboard-adapter-options.js";

const debug = createDebug("switchboard:nestjs");

function isGuardClass(guard: ConnectionGuard): guard is Type<CanActivate> {
  return typeof guard === "function";
}

/** A guard class from the container when it is a provider (so it gets its dependencies), else a plain instance. */
function instantiate(guard: ConnectionGuard, app: INestApplicationContext | undefined): CanActivate {
  if (!isGuardClass(guard)) return guard;
  if (app !== undefined) {
    try {
      return app.get(guard, { strict: false });
    } catch (err) {
      debug("guard %s is no provider, constructing it: %s", guard.name, (err as Error).message);
    }
  }
  return new guard();
}

/** The code a refused client reads in `err.data.code`. */
function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^[a-z_]+$/.test(code)) return code;
  const status = (err as { getStatus?: () => number } | null)?.getStatus?.();
  if (status === 401) return "unauthorized";
  return "forbidden";
}

/** The message of a thrown Nest exception (`WsException`'s error, `HttpException`'s message) or Error. */
function messageOf(err: unknown): string {
  const wsError = (err as { getError?: () => unknown } | null)?.getError?.();
  if (typeof wsError === "string") return wsError;
  if (typeof wsError === "object" && wsError !== null && typeof (wsError as { message?: unknown }).message === "string") {
    return (wsError as { message: string }).message;
  }
  return err instanceof Error && err.message ? err.message : "forbidden";
}

/**
 * Runs Nest guards as one handshake middleware: all must allow the connection. Guards are
 * instantiated on first use, when the container is complete.
 */
export function connectionGuardsMiddleware(guards: ConnectionGuard[], app: INestApplicationContext | undefined, owner: Type<unknown>): AuthMiddleware {
  let instances: CanActivate[] | undefined;
  const middleware: AuthMiddleware = (socket: AuthSocket, next) => {
    instances ??= guards.map((guard) => instantiate(guard, app));
    const context = new ConnectionContext(socket, owner, middleware);
    const run = async (): Promise<boolean> => {
      for (const guard of instances!) {
        const result = guard.canActivate(context);
        const allowed = isObservable(result) ? await lastValueFrom(result) : await result;
        if (!allowed) return false;
      }
      return true;
    };
    run().then(
      (allowed) => next(allowed ? undefined : new AuthError("forbidden", "Forbidden resource")),
      (err: unknown) => {
        debug("connection guard refused socket %s: %O", socket.id, err);
        next(new AuthError(codeOf(err), messageOf(err)));
      },
    );
  };
  return middleware;
}
