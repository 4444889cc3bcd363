/** Input rules of the chat, checked on the server: bad input gets a clear error, never a crash. */
export const USERNAME_RE = /^[\p{L}\p{N}_.-]{1,24}$/u;
export const ROOM_RE = /^[\p{L}\p{N}_.-]{1,32}$/u;
export const MAX_MESSAGE_LENGTH = 2000;
export const HISTORY_SIZE = 50;
export const DEFAULT_ROOMS = ["general", "random"];
/** Message ids are made by the page: 8 to 64 URL-safe characters. */
export const MESSAGE_ID_RE = /^[\w-]{8,64}$/;

export function checkUsername(name: unknown): string | null {
  if (typeof name !== "string" || !USERNAME_RE.test(name)) {
    return "a username is 1 to 24 letters, digits, '.', '_' or '-'";
  }
  return null;
}

export function checkRoom(room: unknown): string | null {
  if (typeof room !== "string" || !ROOM_RE.test(room)) return "a room name is 1 to 32 letters, digits, '.', '_' or '-'";
  return null;
}

export function checkText(text: unknown): string | null {
  if (typeof text !== "string" || text.trim().length === 0) return "a message needs some text";
  if (text.length > MAX_MESSAGE_LENGTH) return `a message is at most ${MAX_MESSAGE_LENGTH} characters`;
  return null;
}

export function checkMessageId(id: unknown): string | null {
  if (typeof id !== "string" || !MESSAGE_ID_RE.test(id)) return "a message id is 8 to 64 letters, digits, '_' or '-'";
  return null;
}
