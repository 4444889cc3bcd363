import type { ServerOptions } from "@switchboard/server";
import { ChatTokens, type ChatTokenOptions } from "./chat-tokens.js";
import type { ChatStore } from "./chat-store.js";
import { MemoryChatStore } from "./memory-chat-store.js";

export interface ChatOptions extends ChatTokenOptions {
  /** Where rooms and history live. Default in memory (one process). */
  store?: ChatStore;
  /**
   * How long a user who dropped (network blip, server restart) has to come back before the room
   * reads "alice left". Logging out is announced at once. Default 10 seconds.
   */
  leaveGraceMs?: number;
}

/** What every variant of the chat shares: the tokens, the store, and the Switchboard options. */
export interface ChatSetup {
  tokens: ChatTokens;
  store: ChatStore;
  leaveGraceMs: number;
  /** For `new Server()`, the Fastify plugin, the Express middleware or the NestJS adapter alike. */
  serverOptions: Pick<ServerOptions, "auth" | "connectionStateRecovery">;
}

/**
 * Resolves the chat's options. The Switchboard options are the same on every variant: `auth`
 * checks the token of every connection, and connection state recovery gives a client back its
 * session (id, room, missed messages) after a blip shorter than two minutes.
 */
export function setUpChat(options: ChatOptions = {}): ChatSetup {
  const tokens = new ChatTokens(options);
  const leaveGraceMs = options.leaveGraceMs ?? 10_000;
  if (!(leaveGraceMs >= 0)) throw new TypeError(`chat option "leaveGraceMs" must be >= 0, got ${options.leaveGraceMs}`);
  return {
    tokens,
    store: options.store ?? new MemoryChatStore(),
    leaveGraceMs,
    serverOptions: {
      auth: tokens.auth(),
      connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: true },
    },
  };
}

/** The line each variant prints at start when no `JWT_SECRET` is set. */
export const RANDOM_SECRET_NOTICE =
  "JWT_SECRET is not set: tokens are signed with a random secret and end with this process (the page logs in again by itself)";
