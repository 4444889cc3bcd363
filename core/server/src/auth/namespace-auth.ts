import { toAuthMiddleware } from "./custom-auth.js";
import type { AuthMiddleware, AuthOption } from "./auth-socket.js";

/** A namespace left out of `auth`: its exact name, or a pattern its name (a dynamic child's too) matches. */
export type PublicNamespace = string | RegExp;

/**
 * The server's handshake auth: one middleware that guards every namespace, static, created later or
 * a dynamic child, except the ones listed as public.
 */
export interface NamespaceAuth {
  readonly middleware: AuthMiddleware;
  /** Whether the namespace of that name is left public (no auth). */
  isPublic(name: string): boolean;
}

function optionError(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: "INVALID_AUTH_OPTION" });
}

/**
 * Validates the `auth` and `publicNamespaces` options and builds the guard; undefined without `auth`.
 * Throws a TypeError naming the option when one is malformed.
 *
 * @example
 * resolveNamespaceAuth(jwtAuth({ secret }), ["/status", /^\/public-/])!.isPublic("/status") // true
 */
export function resolveNamespaceAuth(auth: AuthOption | undefined, publicNamespaces: unknown): NamespaceAuth | undefined {
  if (publicNamespaces !== undefined && !Array.isArray(publicNamespaces)) {
    throw optionError('publicNamespaces must be an array of namespace names ("/status") and RegExps');
  }
  const names = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of (publicNamespaces ?? []) as unknown[]) {
    if (entry instanceof RegExp) {
      // A global or sticky RegExp keeps state between test() calls: match with a stateless copy.
      patterns.push(entry.global || entry.sticky ? new RegExp(entry.source, entry.flags.replace(/[gy]/g, "")) : entry);
    } else if (typeof entry === "string" && entry.startsWith("/")) {
      names.add(entry);
    } else {
      throw optionError(`publicNamespaces: ${JSON.stringify(entry)} is neither a namespace name starting with "/" nor a RegExp`);
    }
  }
  if (auth === undefined) {
    if (names.size > 0 || patterns.length > 0) throw optionError("publicNamespaces is set but auth is not: nothing is guarded");
    return undefined;
  }
  return {
    // Throws a TypeError with code INVALID_AUTH_OPTION when `auth` is not a function.
    middleware: toAuthMiddleware(auth),
    isPublic: (name) => names.has(name) || patterns.some((pattern) => pattern.test(name)),
  };
}

/**
 * Runs several handshake middlewares as one, in order; the first refusal wins.
 *
 * @example
 * new Server({ auth: chainAuth([jwtAuth({ secret }), requireRole("staff")]) });
 */
export function chainAuth(middlewares: readonly AuthMiddleware[]): AuthMiddleware {
  const list = [...middlewares];
  return (socket, next) => {
    const step = (i: number): void => {
      if (i >= list.length) return next();
      let called = false;
      const proceed = (err?: Error) => {
        if (called) return;
        called = true;
        if (err) next(err);
        else step(i + 1);
      };
      try {
        list[i](socket, proceed);
      } catch (err) {
        proceed(err instanceof Error ? err : new Error(String(err)));
      }
    };
    step(0);
  };
}
