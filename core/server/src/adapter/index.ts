export { Adapter } from "./in-memory-adapter.js";
export { SessionAwareAdapter } from "./session-aware-adapter.js";
export type {
  Room,
  SocketId,
  PrivateSessionId,
  BroadcastFlags,
  BroadcastOptions,
  WriteOptions,
  Session,
  SessionToPersist,
  AdapterHandshake,
  AdapterSocket,
  AdapterNamespace,
} from "./adapter-types.js";
