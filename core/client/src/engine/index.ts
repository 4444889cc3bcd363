export { EngineSocket, type EngineReadyState, type Handshake } from "./engine-socket.js";
export { resolveEngineOptions, type EngineOptions, type EngineOptionsInput } from "./engine-options.js";
export { Transport, TransportError, type TransportReadyState } from "./transport.js";
export { PollingTransport } from "./polling-transport.js";
export { WebSocketTransport } from "./websocket-transport.js";
