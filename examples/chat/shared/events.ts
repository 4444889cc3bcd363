/**
 * The chat's event maps, shared by the browser page and every server variant (node, express,
 * fastify, nestjs): one source of truth for what crosses the wire.
 */
export interface ChatMessage {
  room: string;
  from: string;
  text: string;
  at: number;
}

export type LoginResult = { ok: true; rooms: string[] } | { ok: false; error: string };
export type JoinResult = { ok: true; room: string; users: string[]; history: ChatMessage[] } | { ok: false; error: string };

export interface ClientToServerEvents {
  login: (username: string, ack: (result: LoginResult) => void) => void;
  join: (room: string, ack: (result: JoinResult) => void) => void;
  message: (room: string, text: string, ack: (result: { ok: boolean; error?: string }) => void) => void;
  typing: (room: string, isTyping: boolean) => void;
}

export interface ServerToClientEvents {
  message: (message: ChatMessage) => void;
  typing: (room: string, username: string, isTyping: boolean) => void;
  users: (room: string, users: string[]) => void;
  online: (count: number) => void;
}

export interface InterServerEvents {}

export interface SocketData {
  username?: string;
  room?: string;
}
