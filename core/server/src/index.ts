// The public API of @switchboard/server, listed name by name (test/types/public-api.test.ts pins it).
// What only the framework integrations need lives in "@switchboard/server/framework".

// The Socket.IO server.
export { Server, type AdapterConstructor } from "./server.js";
export type { ServerOptions } from "./server-options.js";
export { Namespace } from "./namespace.js";
export type { NamespaceMiddleware, NamespaceReservedEventsMap, ServerReservedEventsMap, ExtendedError } from "./namespace.js";
export { ParentNamespace, type ParentNspNameMatchFn } from "./parent-namespace.js";
export { Socket, type SocketReservedEventsMap, type SocketMiddleware } from "./socket.js";
export { BroadcastOperator } from "./broadcast-operator.js";
export { RemoteSocket, type SocketDetails } from "./remote-socket.js";
export { ServerError, type ServerErrorCode } from "./server-errors.js";
export type { CloseOptions, HandoverOptions } from "./graceful-close.js";
export type { EngineServerLike } from "./engine-contract.js";
export type { DisconnectReason, Handshake, ConnectionStateRecoveryOptions, ParserLike, DecoderLike } from "./server-types.js";
export type { DefaultEventsMap, EventsMap } from "@switchboard/protocol";
export type { FrameworkOptions } from "./framework/framework-server.js";

// Authentication.
export { jwtAuth, type JwtAuthOptions } from "./auth/jwt-auth.js";
export { authenticate } from "./auth/custom-auth.js";
export { AuthError, type AuthErrorCode } from "./auth/auth-error.js";
export type { AuthSocket, AuthMiddleware, AuthCheck, AuthOption } from "./auth/auth-socket.js";
export { chainAuth, type NamespaceAuth, type PublicNamespace } from "./auth/namespace-auth.js";
export { AUTH_REFRESH_EVENT, type AuthRefreshReply } from "@switchboard/protocol";

// The engine behind `io.engine` and the types of its options and events.
export {
  Engine,
  EngineSocket,
  EngineErrorCode,
  type EngineRequest,
  type EngineConnectionError,
  type EngineOptions,
  type AttachOptions,
  type TransportName,
  type AllowRequestCallback,
  type EngineMiddleware,
  type CorsOptions,
  type CookieOptions,
} from "@switchboard/engine";

// For adapter authors: the in-memory adapter, the cluster adapter base and what crosses the wire.
export { Adapter } from "./adapter/in-memory-adapter.js";
export { SessionAwareAdapter } from "./adapter/session-aware-adapter.js";
export { ClusterAdapter } from "./adapter/cluster-adapter.js";
export { resolveClusterAdapterOptions, type ClusterAdapterOptions } from "./adapter/cluster-adapter-options.js";
export { ClusterAdapterError, type ClusterAdapterErrorCode } from "./adapter/cluster-adapter-error.js";
export { MessageType, EMITTER_UID, isClusterMessage, type ServerId, type ClusterMessage, type ClusterResponse } from "./adapter/cluster-messages.js";
export { PendingRequests } from "./adapter/pending-requests.js";
export { describeSocket, type DescribedSocket } from "./adapter/describe-socket.js";
export { toWireOptions, fromWireOptions, reachesRooms, type WireOptions } from "./adapter/wire-options.js";
export { withTimeout } from "./adapter/with-timeout.js";
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
} from "./adapter/adapter-types.js";
