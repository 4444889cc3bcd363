import { DEFAULT_ROOMS } from "./chat-rules.js";
import type { ChatMessage } from "./events.js";

/**
 * Where the chat keeps what outlives a connection: the rooms, each room's recent history, and who
 * was last announced as present in a room (so a reconnection within the grace period is not
 * announced as a leave and a join). One process: {@link MemoryChatStore}; several processes share
 * one in Redis (examples/cluster).
 */
export interface ChatStore {
  /** Every room, the default ones first. */
  rooms(): Promise<string[]>;
  /** Creates a room; true when it is new. */
  addRoom(room: string): Promise<boolean>;
  /**
   * Keeps a message in its room's history. A message whose id is already known is not kept twice:
   * `fresh` is false and `message` is the one kept first.
   */
  record(message: ChatMessage): Promise<{ message: ChatMessage; fresh: boolean }>;
  /** The room's recent messages, oldest first. */
  history(room: string): Promise<ChatMessage[]>;
  /** Marks a user present in a room; true when they were not (their arrival is news). */
  markPresent(room: string, username: string): Promise<boolean>;
  /** Marks a user gone from a room; true when they were present (their leaving is news). */
  markAbsent(room: string, username: string): Promise<boolean>;
}

/** The default rooms first, in their order, then the others alphabetically. */
export function sortRooms(rooms: Iterable<string>, defaults: readonly string[] = DEFAULT_ROOMS): string[] {
  const others = [...rooms].filter((room) => !defaults.includes(room)).sort((a, b) => a.localeCompare(b));
  return [...defaults, ...others];
}
