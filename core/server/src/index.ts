// The engine's API as it was before it became @switchboard/engine (the names stay exported here).
export {
  Engine,
  EngineSocket,
  Transport,
  PollingTransport,
  WebSocketTransport,
  EngineErrorCode,
  ENGINE_ERROR_MESSAGES,
  createCorsMiddleware,
  type EngineRequest,
  type EngineConnectionError,
  type EngineEventMap,
  type EngineSocketReadyState,
  type EngineCloseReason,
  type EngineSocketEventMap,
  type SendCallback,
  type SendOptions,
  type OutgoingPacket,
  type TransportReadyState,
  type EngineErrorContext,
  type EngineOptions,
  type AttachOptions,
  type TransportName,
  type AllowRequestCallback,
  type WriteBufferPolicy,
  type EngineMiddleware,
  type CorsOptions,
  type CookieOptions,
} from "@switchboard/engine";
export * from "./adapter/index.js";
export * from "./auth/index.js";
export { Server, type AdapterConstructor } from "./server.js";
export type { ServerOptions, ResolvedServerOptions } from "./server-options.js";
export { Namespace } from "./namespace.js";
export type { NamespaceMiddleware, NamespaceReservedEventsMap, ServerReservedEventsMap, ExtendedError } from "./namespace.js";
export { ParentNamespace, type ParentNspNameMatchFn } from "./parent-namespace.js";
export { Socket, type SocketReservedEventsMap, type SocketMiddleware } from "./socket.js";
export { Client } from "./client.js";
export { BroadcastOperator } from "./broadcast-operator.js";
export { RemoteSocket, type SocketDetails } from "./remote-socket.js";
export { ServerError, type ServerErrorCode } from "./server-errors.js";
export type { EngineConnection, EngineServerLike, EngineWriteOptions } from "./engine-contract.js";
export type {
  DisconnectReason,
  Handshake,
  ConnectionStateRecoveryOptions,
  ParserLike,
  DecoderLike,
} from "./server-types.js";
export type { DefaultEventsMap, EventsMap } from "@switchboard/protocol";
export { AUTH_REFRESH_EVENT, type AuthRefreshReply } from "@switchboard/protocol";
export * from "./framework/index.js";
export { attachClientServing, createClientFileHandler, serveClientFile, type ServeClientOptions } from "./serve-client.js";
