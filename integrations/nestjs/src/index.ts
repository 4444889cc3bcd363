export { SwitchboardAdapter, type GatewayServerOptions } from "./switchboard-adapter.js";
export {
  SwitchboardAdapterError,
  type SwitchboardAdapterOptions,
  type SwitchboardAdapterOptionsSource,
  type ConnectionGuard,
} from "./switchboard-adapter-options.js";
export { ConnectionContext } from "./connection-context.js";
export { AckErrors, type AckError, type WsErrorPayload } from "./ack-errors.js";
export { WsValidationException, validationExceptionFactory, type FieldError } from "./validation-errors.js";
export type { SwitchboardGatewayOptions } from "./gateway-options.js";
export {
  jwtAuth,
  authenticate,
  AuthError,
  type JwtAuthOptions,
  type AuthCheck,
  type AuthMiddleware,
  type AuthOption,
  type AuthErrorCode,
} from "@switchboard/server";
export type { Server, Socket, Namespace, ServerOptions, DisconnectReason } from "@switchboard/server";
