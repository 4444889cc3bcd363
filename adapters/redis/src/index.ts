export { RedisAdapter, type RedisAdapterOptions } from "./redis-adapter.js";
export { createAdapter } from "./create-adapter.js";
export type { SocketDetails } from "./socket-details.js";
export { RedisAdapterError, type RedisAdapterErrorCode } from "./redis-adapter-error.js";
export type { RedisClient, NodeRedisClient, IoRedisClient } from "./redis-pub-sub.js";
export { encodeMsgpack, decodeMsgpack } from "./msgpack-codec.js";
export { setupPrimary, setupWorker, workerIdOfRequest, type StickyPrimaryOptions, type StickyWorkerServer } from "./sticky-cluster.js";
