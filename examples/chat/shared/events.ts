/**
 * The chat's event maps, shared by the browser page and every server variant (node, express,
 * fastify, nestjs, cluster): one source of truth for what crosses the wire.
 */

/** A message of a room: what a user wrote, or a notice from the server ("alice joined"). */
export interface ChatMessage {
  /** Chosen by the sender's page, so a message sent twice (a retry after a reconnection) is kept once. */
  id: string;
  room: string;
  /** `user`: written by `from`; `system`: a notice about `from` (joined, left). */
  kind: "user" | "system";
  from: string;
  text: string;
  /** Milliseconds since the epoch, from the server's clock. */
  at: number;
}

/** What a page sends: the server adds the author (from the token) and the time. */
export interface MessageDraft {
  id: string;
  room: string;
  text: string;
}

export type Failure = { ok: false; error: string };
export type JoinResult = { ok: true; room: string; users: string[]; history: ChatMessage[]; rooms: string[] } | Failure;
export type SendResult = { ok: true; message: ChatMessage } | Failure;

export interface ClientToServerEvents {
  /** Enters a room (created when new) and leaves the previous one; answers with who is there and the recent history. */
  join: (room: string, ack: (result: JoinResult) => void) => void;
  message: (draft: MessageDraft, ack: (result: SendResult) => void) => void;
  typing: (room: string, isTyping: boolean) => void;
}

export interface ServerToClientEvents {
  message: (message: ChatMessage) => void;
  typing: (room: string, username: string, isTyping: boolean) => void;
  /** Everyone in a room (one entry per user, however many tabs they have open). */
  users: (room: string, users: string[]) => void;
  /** Every room, sent to everyone when one is created. */
  rooms: (rooms: string[]) => void;
  /** How many users are connected, across every server process. */
  online: (count: number) => void;
}

export interface InterServerEvents {}

export interface SocketData {
  /** The verified claims of the socket's token (set by `jwtAuth`); `sub` is the username. */
  user?: { sub?: string };
  /** The room the socket is in. */
  room?: string;
}

/** Answers of the HTTP routes `POST /login` (`{ username }`) and `POST /refresh` (`Authorization: Bearer`). */
export type TokenReply = { token: string; username: string; expiresAt: number } | { error: string };
