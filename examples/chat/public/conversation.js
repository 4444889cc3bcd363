// The conversation on screen: the messages the server delivered for the room shown, by id, and
// ours that still wait. Kept across a reconnection to the same room, so a restarted server that
// lost its history loses nothing here.
import * as view from "./view.js";

const KEPT_MAX = 500;

export class Conversation {
  #me;
  #room = null;
  #messages = new Map();

  /** `me()`: the username of this page, whose messages are drawn as its own. */
  constructor(me) {
    this.#me = me;
  }

  #keep(message) {
    if (message.room !== this.#room) return;
    this.#messages.set(message.id, message);
    if (this.#messages.size > KEPT_MAX) this.#messages.delete(this.#messages.keys().next().value);
  }

  /**
   * Draws a room: `messages` from the server (its history, or none while offline), merged with
   * what was on screen when it is the same room, then `pending` (ours, not acknowledged yet).
   */
  draw(room, messages, pending) {
    if (room !== this.#room) this.#messages.clear();
    this.#room = room;
    const fresh = new Set(messages.map((m) => m.id));
    const all = [...[...this.#messages.values()].filter((m) => !fresh.has(m.id)), ...messages].sort((a, b) => a.at - b.at);
    this.#messages.clear();
    for (const message of all) this.#keep(message);
    view.resetMessages(all, this.#me());
    for (const message of pending) {
      if (!this.#messages.has(message.id)) view.upsertMessage(message, this.#me(), "pending");
    }
  }

  /** A message the server delivered (ours acknowledged, or anyone's broadcast). */
  delivered(message) {
    this.#keep(message);
    view.upsertMessage(message, this.#me(), "delivered");
  }

  /** One of ours, typed just now, on its way. */
  pending(message) {
    view.upsertMessage(message, this.#me(), "pending");
  }

  forget() {
    this.#room = null;
    this.#messages.clear();
  }
}
