// Messages the user sent that the server has not acknowledged yet, in order. Kept in
// sessionStorage: typed while offline, they survive a reload and go out once connected.

const KEY = "chat.outbox";

export class Outbox {
  #storage;
  #items;

  constructor(storage = sessionStorage) {
    this.#storage = storage;
    try {
      this.#items = JSON.parse(storage.getItem(KEY) ?? "[]");
    } catch {
      this.#items = [];
    }
  }

  #save() {
    this.#storage.setItem(KEY, JSON.stringify(this.#items));
  }

  get size() {
    return this.#items.length;
  }

  /** `draft`: `{ id, room, text, at }` (`at` is the local time it was typed). */
  add(draft) {
    this.#items.push(draft);
    this.#save();
  }

  first() {
    return this.#items[0];
  }

  remove(id) {
    this.#items = this.#items.filter((item) => item.id !== id);
    this.#save();
  }

  inRoom(room) {
    return this.#items.filter((item) => item.room === room);
  }

  clear() {
    this.#items = [];
    this.#save();
  }
}

/** A message id: random, URL-safe (crypto.randomUUID needs a secure context, this does not). */
export function newMessageId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
