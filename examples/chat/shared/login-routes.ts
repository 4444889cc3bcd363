import createDebug from "debug";
import { checkUsername } from "./chat-rules.js";
import type { ChatTokens } from "./chat-tokens.js";
import type { ChatServer } from "./chat.js";
import type { TokenReply } from "./events.js";

const debug = createDebug("switchboard:example:chat");

/** An HTTP answer, for each variant to write its own way. */
export interface RouteReply {
  status: number;
  body: TokenReply;
}

/**
 * `POST /login` with `{ "username": "alice" }`: a token for that name, unless someone connected
 * holds it (asked of every server process through the adapter). The chat has no passwords: the
 * name is the identity, the token proves the page got it here.
 */
export async function login(io: ChatServer, tokens: ChatTokens, body: unknown): Promise<RouteReply> {
  const username = (body as { username?: unknown } | null)?.username;
  const error = checkUsername(username);
  if (error !== null) return { status: 400, body: { error } };
  const name = username as string;
  try {
    const sockets = await io.fetchSockets();
    if (sockets.some((socket) => socket.data.user?.sub?.toLowerCase() === name.toLowerCase())) {
      return { status: 409, body: { error: `the username "${name}" is taken` } };
    }
  } catch (err) {
    debug("login of %s: could not list the connected users: %O", name, err);
    return { status: 503, body: { error: "the server could not check the name, try again" } };
  }
  return { status: 200, body: { username: name, ...(await tokens.sign(name)) } };
}

/** `POST /refresh` with `Authorization: Bearer <token>`: a fresh token for the same name, before the old one expires. */
export async function refresh(tokens: ChatTokens, authorization: unknown): Promise<RouteReply> {
  const match = typeof authorization === "string" ? /^Bearer\s+(\S+)$/i.exec(authorization.trim()) : null;
  if (!match) return { status: 401, body: { error: "missing_token" } };
  const verified = await tokens.verify(match[1]);
  if ("error" in verified) return { status: 401, body: { error: verified.error } };
  return { status: 200, body: { username: verified.username, ...(await tokens.sign(verified.username)) } };
}
