export { switchboard, switchboard as default, SwitchboardFastifyError } from "./switchboard-plugin.js";
export { withSwitchboard, type FastifyWithSwitchboard } from "./with-switchboard.js";
export type { SwitchboardFastifyOptions } from "./switchboard-options.js";
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
