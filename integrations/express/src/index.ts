export { switchboard, switchboard as default, type SwitchboardMiddleware, type SwitchboardExpressOptions } from "./switchboard-middleware.js";
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
export type { Server, Socket, Namespace, ServerOptions } from "@switchboard/server";
