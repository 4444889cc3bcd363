import { io } from "./io.js";

export { io, type IoOptions } from "./io.js";
export { Manager, type ManagerOptions, type ManagerReadyState, type Parser } from "./manager.js";
export type { QueuedPacketView } from "./outgoing-queue.js";
export { Socket, type SocketOptions, type SocketReservedEvents, type DisconnectReason, type ConnectError, type Flags } from "./socket.js";
export { Backoff } from "./backoff.js";
export { parseUrl, type ParsedUrl } from "./url.js";
export { EngineSocket, Transport, TransportError, PollingTransport, WebSocketTransport } from "./engine/index.js";
export type { EngineOptions, EngineOptionsInput, EngineReadyState, Handshake } from "./engine/index.js";
export { SOCKET_PROTOCOL as protocol } from "@switchboard/protocol";
export { msgpackParser } from "@switchboard/protocol";
export { AUTH_REFRESH_EVENT, type AuthRefreshReply } from "@switchboard/protocol";
export type { DefaultEventsMap, EventsMap } from "@switchboard/protocol";
export const connect = io;
export default io;
