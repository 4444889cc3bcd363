import { DEFAULT_ROOMS, HISTORY_SIZE } from "./chat-rules.js";
import type { ChatMessage } from "./events.js";

/** Who holds which username, which rooms exist, and each room's recent history (in memory). */
export class ChatStore {
  private readonly owners = new Map<string, string>();
  private readonly histories = new Map<string, ChatMessage[]>();

  constructor(rooms: readonly string[] = DEFAULT_ROOMS) {
    for (const room of rooms) this.histories.set(room, []);
  }

  /** Claims a username for a socket; false when another socket holds it (names are case-insensitive). */
  claim(username: string, socketId: string): boolean {
    const key = username.toLowerCase();
    const owner = this.owners.get(key);
    if (owner !== undefined && owner !== socketId) return false;
    this.owners.set(key, socketId);
    return true;
  }

  release(username: string, socketId: string): void {
    const key = username.toLowerCase();
    if (this.owners.get(key) === socketId) this.owners.delete(key);
  }

  rooms(): string[] {
    return [...this.histories.keys()];
  }

  openRoom(room: string): void {
    if (!this.histories.has(room)) this.histories.set(room, []);
  }

  record(message: ChatMessage): void {
    this.openRoom(message.room);
    const history = this.histories.get(message.room)!;
    history.push(message);
    if (history.length > HISTORY_SIZE) history.splice(0, history.length - HISTORY_SIZE);
  }

  history(room: string): ChatMessage[] {
    return [...(this.histories.get(room) ?? [])];
  }
}
