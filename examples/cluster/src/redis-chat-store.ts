import type { RedisClientType } from "redis";
import { DEFAULT_ROOMS, HISTORY_SIZE } from "../../chat/dist/shared/chat-rules.js";
import { sortRooms, type ChatStore } from "../../chat/dist/shared/chat-store.js";
import type { ChatMessage } from "../../chat/dist/shared/events.js";

type RedisClient = RedisClientType;

/** How long a message id is remembered, to drop a message sent again after a reconnection. */
const ID_TTL_SECONDS = 60 * 60;

/**
 * The chat's store in Redis, shared by every worker: whichever worker a user lands on (after a
 * reconnection, a worker restart), the rooms and the recent history are the same.
 *
 * Keys: `<prefix>rooms` (set), `<prefix>history:<room>` (list of JSON, the last HISTORY_SIZE),
 * `<prefix>message:<id>` (JSON, expires), `<prefix>present:<room>` (set of usernames).
 */
export class RedisChatStore implements ChatStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix = "chat:",
    private readonly defaults: readonly string[] = DEFAULT_ROOMS,
  ) {}

  async rooms(): Promise<string[]> {
    return sortRooms(await this.redis.sMembers(`${this.prefix}rooms`), this.defaults);
  }

  async addRoom(room: string): Promise<boolean> {
    if (this.defaults.includes(room)) return false;
    return (await this.redis.sAdd(`${this.prefix}rooms`, room)) === 1;
  }

  async record(message: ChatMessage): Promise<{ message: ChatMessage; fresh: boolean }> {
    const idKey = `${this.prefix}message:${message.id}`;
    const json = JSON.stringify(message);
    const set = await this.redis.set(idKey, json, { condition: "NX", expiration: { type: "EX", value: ID_TTL_SECONDS } });
    if (set === null) {
      const kept = await this.redis.get(idKey);
      if (kept !== null) return { message: JSON.parse(kept) as ChatMessage, fresh: false };
    }
    await this.addRoom(message.room);
    const historyKey = `${this.prefix}history:${message.room}`;
    await this.redis.multi().rPush(historyKey, json).lTrim(historyKey, -HISTORY_SIZE, -1).exec();
    return { message, fresh: true };
  }

  async history(room: string): Promise<ChatMessage[]> {
    const items = await this.redis.lRange(`${this.prefix}history:${room}`, 0, -1);
    return items.map((item) => JSON.parse(item) as ChatMessage);
  }

  async markPresent(room: string, username: string): Promise<boolean> {
    return (await this.redis.sAdd(`${this.prefix}present:${room}`, username)) === 1;
  }

  async markAbsent(room: string, username: string): Promise<boolean> {
    return (await this.redis.sRem(`${this.prefix}present:${room}`, username)) === 1;
  }
}
