export { createAdapter } from "./create-adapter.js";
export { RedisStreamsAdapter } from "./redis-streams-adapter.js";
export { Emitter, EmitterBroadcastOperator, type EmitterOptions } from "./emitter.js";
export type { RedisStreamsAdapterOptions, StreamsWireOptions } from "./streams-options.js";
export type { RedisStreamsClient, NodeRedisStreamsClient, IoRedisStreamsClient } from "./redis-connection.js";
export { ClusterAdapterError, type ClusterAdapterErrorCode } from "@switchboard/server";
