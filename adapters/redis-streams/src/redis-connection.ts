import type { IoRedisClient, NodeRedisClient } from "@switchboard/redis-adapter";

/** The parts of a `redis` (v4 and later) client the adapter uses beyond pub/sub. */
export interface NodeRedisStreamsClient extends NodeRedisClient {
  sendCommand(args: Array<string | Buffer>): Promise<unknown>;
  /** A new client with the same options (returned unconnected). */
  duplicate(): unknown;
  connect(): Promise<unknown>;
  destroy?(): void;
  disconnect?(): Promise<unknown> | void;
}

/** The parts of an `ioredis` client the adapter uses beyond pub/sub. */
export interface IoRedisStreamsClient extends IoRedisClient {
  duplicate(): unknown;
  connect(): Promise<unknown>;
  disconnect(): void;
  options?: { lazyConnect?: boolean };
}

/** A `redis` or `ioredis` client, as given to `createAdapter` or `new Emitter`. */
export type RedisStreamsClient = NodeRedisStreamsClient | IoRedisStreamsClient;

function isNodeRedis(client: RedisStreamsClient): client is NodeRedisStreamsClient {
  return typeof (client as NodeRedisStreamsClient).pSubscribe === "function";
}

/** What readers, publishers and session stores need of a connection. */
export interface RedisCommands {
  /** Sends one command; resolves with its raw reply. */
  call(args: Array<string | Buffer>): Promise<unknown>;
  /** Closes it, if it is not the application's. */
  close(): void;
}

/**
 * A connection opened on its first command by `open`, and opened again on the next command when
 * that failed (Redis not reachable yet).
 */
export function lazyConnection(open: () => Promise<RedisConnection>): RedisCommands {
  let opened: Promise<RedisConnection> | undefined;
  let closed = false;
  return {
    async call(args) {
      if (closed) throw new Error("the connection is closed");
      opened ??= open().catch((err: Error) => {
        opened = undefined;
        throw err;
      });
      return (await opened).call(args);
    },
    close() {
      closed = true;
      void opened?.then(
        (connection) => connection.close(),
        () => undefined,
      );
    },
  };
}

/**
 * One Redis connection, whatever the library: raw commands (`sendCommand` for `redis`, `call`
 * for `ioredis`), so that every reply is parsed in one place (see redis-replies.ts).
 */
export class RedisConnection implements RedisCommands {
  private constructor(
    readonly client: RedisStreamsClient,
    private readonly owned: boolean,
  ) {}

  /** Wraps a client the application owns (it is never closed here). */
  static of(client: RedisStreamsClient): RedisConnection {
    if (!client || (typeof (client as NodeRedisStreamsClient).sendCommand !== "function" && typeof (client as IoRedisStreamsClient).call !== "function")) {
      throw new TypeError("redisClient must be a client of the redis (v4 or later) or ioredis package");
    }
    return new RedisConnection(client, false);
  }

  call(args: Array<string | Buffer>): Promise<unknown> {
    const client = this.client;
    if (isNodeRedis(client)) return client.sendCommand(args);
    return client.call(String(args[0]), ...(args.slice(1) as string[]));
  }

  /**
   * A new connection with the same options, for blocking reads or subscriptions. Its errors go
   * to `onError` (a client without an `error` listener would throw); it is connected on return.
   */
  async duplicate(onError: (err: Error) => void): Promise<RedisConnection> {
    const client = this.client;
    const copy = client.duplicate() as RedisStreamsClient;
    copy.on("error", onError);
    if (isNodeRedis(copy)) await copy.connect();
    else if ((client as IoRedisStreamsClient).options?.lazyConnect) await copy.connect();
    return new RedisConnection(copy, true);
  }

  /** Closes a connection made by `duplicate` at once (pending commands fail); never the application's. */
  close(): void {
    if (!this.owned) return;
    const client = this.client;
    try {
      if (isNodeRedis(client)) {
        if (typeof client.destroy === "function") client.destroy();
        else void client.disconnect?.();
      } else {
        client.disconnect();
      }
    } catch {
      // Already closed: nothing left to release.
    }
  }
}
