/** Stable codes of the errors the Redis adapter reports. */
export type RedisAdapterErrorCode = "REDIS_REQUEST_TIMEOUT" | "REDIS_ADAPTER_CLOSED" | "REDIS_PUBLISH_FAILED";

/** An error of the Redis adapter, with a stable `code`. */
export class RedisAdapterError extends Error {
  constructor(
    readonly code: RedisAdapterErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "RedisAdapterError";
  }
}
