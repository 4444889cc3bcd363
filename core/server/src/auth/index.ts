export { jwtAuth, readToken, type JwtAuthOptions } from "./jwt-auth.js";
export { authenticate, toAuthMiddleware } from "./custom-auth.js";
export { AuthError, type AuthErrorCode } from "./auth-error.js";
export type { AuthSocket, AuthMiddleware, AuthCheck, AuthOption } from "./auth-socket.js";
export { resolveNamespaceAuth, chainAuth, type NamespaceAuth, type PublicNamespace } from "./namespace-auth.js";
export { refreshAuth, type RefreshableSocket } from "./auth-refresh.js";
