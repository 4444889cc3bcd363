// Who is typing: what this page tells its room while the user types, and who the room says is
// typing. Both sides expire on their own, so a connection that dies mid-sentence never leaves
// "alice is typing…" stuck on everyone's screen.

const SHOWN_MS = 5000; // a typist is forgotten unless confirmed within this time
const RESENT_MS = 2000; // while typing, "still typing" goes out this often
const IDLE_MS = 3000; // no keystroke for this long: stopped typing

export class Typing {
  #send;
  #render;
  #sentAt = 0;
  #idle;
  #typists = new Map(); // username -> timer that forgets them

  /** `send(isTyping)` tells the room (dropped when offline); `render(names)` shows the typists. */
  constructor({ send, render }) {
    this.#send = send;
    this.#render = render;
  }

  /** The message field changed: `hasText`, and whether the page may talk to the room now. */
  changed(hasText, canSend) {
    if (!hasText) return this.stop(canSend);
    if (canSend && Date.now() - this.#sentAt > RESENT_MS) {
      this.#send(true);
      this.#sentAt = Date.now();
    }
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => this.stop(canSend), IDLE_MS);
  }

  /** The user sent, emptied the field, paused, or left the room. */
  stop(canSend) {
    clearTimeout(this.#idle);
    if (this.#sentAt !== 0 && canSend) this.#send(false);
    this.#sentAt = 0;
  }

  /** The room says `name` is (or is no longer) typing. */
  heard(name, isTyping) {
    if (!isTyping) return this.forget(name);
    clearTimeout(this.#typists.get(name));
    this.#typists.set(
      name,
      setTimeout(() => this.forget(name), SHOWN_MS),
    );
    this.#show();
  }

  forget(name) {
    clearTimeout(this.#typists.get(name));
    if (this.#typists.delete(name)) this.#show();
  }

  /** Nobody is typing as far as we know (another room, a lost connection). */
  clear() {
    for (const timer of this.#typists.values()) clearTimeout(timer);
    this.#typists.clear();
    this.#show();
  }

  #show() {
    this.#render([...this.#typists.keys()].sort());
  }
}
