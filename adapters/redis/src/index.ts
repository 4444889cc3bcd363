export { RedisAdapter, type RedisAdapterOptions } from "./redis-adapter.js";
export { createAdapter } from "./create-adapter.js";
export type { DescribedSocket as SocketDetails } from "@switchboard/server";
export { RedisAdapterError, type RedisAdapterErrorCode } from "./redis-adapter-error.js";
export { ClusterAdapterError, type ClusterAdapterErrorCode } from "@switchboard/server";
export { createRedisPubSub, type RedisClient, type NodeRedisClient, type IoRedisClient, type RedisPubSub } from "./redis-pub-sub.js";
export { encodeMsgpack, decodeMsgpack, type MsgpackDialect } from "./msgpack-codec.js";
export { setupPrimary, setupWorker, workerIdOfRequest, type StickyPrimaryOptions, type StickyWorkerServer } from "./sticky-cluster.js";
