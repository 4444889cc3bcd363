// engine.io's entry points, so `import { attach, Server } from "engine.io"` only changes its module name.
export { listen, attach, protocol } from "./attach.js";
export { Engine, Engine as Server, type EngineRequest, type EngineConnectionError, type EngineEventMap } from "./engine.js";
export {
  EngineSocket,
  EngineSocket as Socket,
  type EngineSocketReadyState,
  type EngineCloseReason,
  type EngineSocketEventMap,
  type SendCallback,
  type EngineSocketSink,
} from "./engine-socket.js";
export { Transport, type SendOptions, type OutgoingPacket, type TransportReadyState } from "./transport.js";
export { PollingTransport } from "./polling-transport.js";
export { WebSocketTransport } from "./websocket-transport.js";
export { EngineErrorCode, ENGINE_ERROR_MESSAGES, type EngineErrorContext } from "./engine-errors.js";
export type { EngineOptions, AttachOptions, TransportName, AllowRequestCallback, WriteBufferPolicy } from "./engine-options.js";
export type { EngineMiddleware } from "./middleware-runner.js";
export { createCorsMiddleware, type CorsOptions } from "./cors-middleware.js";
export { resolveCookieOptions, type CookieOptions, type ResolvedCookieOptions } from "./cookie.js";
// Building blocks that a server built on the engine (such as @switchboard/server) shares with it.
export { generateId } from "./generate-id.js";
export { compactListeners } from "./listener-store.js";
export { interceptRequests, type RequestEmitter, type RequestListener } from "./request-interceptor.js";
export { responseHeaders } from "./response-headers.js";
export { createPathMatcher } from "./path-matcher.js";
export { buildTextFrame } from "./websocket-frame.js";
export type { HandshakeRequest, HandshakeSocketInfo } from "./handshake-request.js";
