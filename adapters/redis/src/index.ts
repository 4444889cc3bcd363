export { RedisAdapter, createAdapter, type RedisAdapterOptions } from "./redis-adapter.js";
export { RedisAdapterError, type RedisAdapterErrorCode } from "./redis-adapter-error.js";
export type { RedisClient, NodeRedisClient, IoRedisClient } from "./redis-pub-sub.js";
export { encodeMsgpack, decodeMsgpack } from "./msgpack-codec.js";
export { setupPrimary, setupWorker, workerIdOfRequest, type StickyPrimaryOptions, type StickyWorkerServer } from "./sticky-cluster.js";
