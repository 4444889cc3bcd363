import { DEFAULT_ROOMS, HISTORY_SIZE } from "./chat-rules.js";
import { sortRooms, type ChatStore } from "./chat-store.js";
import type { ChatMessage } from "./events.js";

/** How many message ids are remembered to drop a resent message (a few times the visible history). */
const KNOWN_IDS = 10 * HISTORY_SIZE;

/** The chat's store for one process: everything in memory, gone when the process stops. */
export class MemoryChatStore implements ChatStore {
  private readonly histories = new Map<string, ChatMessage[]>();
  private readonly present = new Map<string, Set<string>>();
  private readonly known = new Map<string, ChatMessage>();

  constructor(private readonly defaults: readonly string[] = DEFAULT_ROOMS) {
    for (const room of defaults) this.histories.set(room, []);
  }

  async rooms(): Promise<string[]> {
    return sortRooms(this.histories.keys(), this.defaults);
  }

  async addRoom(room: string): Promise<boolean> {
    if (this.histories.has(room)) return false;
    this.histories.set(room, []);
    return true;
  }

  async record(message: ChatMessage): Promise<{ message: ChatMessage; fresh: boolean }> {
    const kept = this.known.get(message.id);
    if (kept) return { message: kept, fresh: false };
    this.known.set(message.id, message);
    if (this.known.size > KNOWN_IDS) this.known.delete(this.known.keys().next().value!);
    await this.addRoom(message.room);
    const history = this.histories.get(message.room)!;
    history.push(message);
    if (history.length > HISTORY_SIZE) history.splice(0, history.length - HISTORY_SIZE);
    return { message, fresh: true };
  }

  async history(room: string): Promise<ChatMessage[]> {
    return [...(this.histories.get(room) ?? [])];
  }

  async markPresent(room: string, username: string): Promise<boolean> {
    let names = this.present.get(room);
    if (!names) this.present.set(room, (names = new Set()));
    if (names.has(username)) return false;
    names.add(username);
    return true;
  }

  async markAbsent(room: string, username: string): Promise<boolean> {
    return this.present.get(room)?.delete(username) ?? false;
  }
}
