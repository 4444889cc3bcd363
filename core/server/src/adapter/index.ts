export { Adapter } from "./in-memory-adapter.js";
export { SessionAwareAdapter } from "./session-aware-adapter.js";
export { ClusterAdapter } from "./cluster-adapter.js";
export { resolveClusterAdapterOptions, type ClusterAdapterOptions } from "./cluster-adapter-options.js";
export { ClusterAdapterError, type ClusterAdapterErrorCode } from "./cluster-adapter-error.js";
export {
  MessageType,
  EMITTER_UID,
  isClusterMessage,
  isResponse,
  type ServerId,
  type ClusterMessage,
  type ClusterResponse,
  type UnsentMessage,
  type UnsentResponse,
} from "./cluster-messages.js";
export { NodeLiveness, type LivenessOptions } from "./node-liveness.js";
export { PendingRequests, type PendingRequest } from "./pending-requests.js";
export { describeSocket, type DescribedSocket } from "./describe-socket.js";
export { toWireOptions, fromWireOptions, reachesRooms, type WireOptions } from "./wire-options.js";
export { withTimeout } from "./with-timeout.js";
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
