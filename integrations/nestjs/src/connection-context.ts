import type { ExecutionContext, Type } from "@nestjs/common";

/**
 * What a connection guard receives: a `ws` execution context whose client is the connecting
 * socket, whose data is its handshake `auth` payload and whose pattern is `"connection"`.
 */
export class ConnectionContext implements ExecutionContext {
  private readonly args: [unknown, unknown, undefined, string];

  constructor(
    socket: { handshake: { auth: unknown } },
    private readonly owner: Type<unknown>,
    private readonly handler: Function,
  ) {
    this.args = [socket, socket.handshake.auth, undefined, "connection"];
  }

  getClass<T = unknown>(): Type<T> {
    return this.owner as Type<T>;
  }

  getHandler(): Function {
    return this.handler;
  }

  getArgs<T extends unknown[] = unknown[]>(): T {
    return this.args as unknown as T;
  }

  getArgByIndex<T = unknown>(index: number): T {
    return this.args[index] as T;
  }

  getType<TContext extends string = "ws">(): TContext {
    return "ws" as TContext;
  }

  switchToWs() {
    const [client, data, , pattern] = this.args;
    return {
      getClient: <T>() => client as T,
      getData: <T>() => data as T,
      getPattern: () => pattern,
    };
  }

  switchToHttp() {
    return {
      getRequest: <T>() => this.args[0] as T,
      getResponse: <T>() => undefined as T,
      getNext: <T>() => undefined as T,
    };
  }

  switchToRpc() {
    return { getData: <T>() => this.args[1] as T, getContext: <T>() => this.args[0] as T };
  }
}
