// Who the page is logged in as: the username and the JWT from POST /login, kept in sessionStorage
// so a reload, a server restart or a network blip never asks the user to log in again.

const KEY = "chat.session";

async function post(path, { body, token } = {}) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    const res = await fetch(path, { method: "POST", headers, body: JSON.stringify(body ?? {}) });
    const reply = await res.json().catch(() => ({ error: `the server answered ${res.status}` }));
    return { status: res.status, reply };
  } catch {
    return { status: 0, reply: { error: "the server cannot be reached" } };
  }
}

export class Session {
  #storage;
  #state;

  constructor(storage = sessionStorage) {
    this.#storage = storage;
    try {
      this.#state = JSON.parse(storage.getItem(KEY) ?? "null");
    } catch {
      this.#state = null;
    }
  }

  get username() {
    return this.#state?.username ?? null;
  }

  get token() {
    return this.#state?.token ?? null;
  }

  get expiresAt() {
    return this.#state?.expiresAt ?? 0;
  }

  #keep(reply) {
    this.#state = { username: reply.username, token: reply.token, expiresAt: reply.expiresAt, receivedAt: Date.now() };
    this.#storage.setItem(KEY, JSON.stringify(this.#state));
  }

  /**
   * Asks for a token. `{ ok: true }`, or `{ ok: false, error, retry }`: `retry` when the server was
   * unreachable (worth trying again), not when it refused the name.
   */
  async login(username) {
    const { status, reply } = await post("/login", { body: { username } });
    if (status === 200 && reply.token) {
      this.#keep(reply);
      return { ok: true };
    }
    return { ok: false, error: reply.error ?? `login failed (${status})`, retry: status === 0 || status >= 500 };
  }

  /** Logs in again under the same name (the old token was refused: a restarted server, an expiry). */
  renew() {
    return this.login(this.username);
  }

  /** Trades the current token for a fresh one before it expires; falls back to logging in again. */
  async refresh() {
    const { status, reply } = await post("/refresh", { token: this.token });
    if (status === 200 && reply.token) {
      this.#keep(reply);
      return { ok: true };
    }
    if (status === 401) return this.renew();
    return { ok: false, error: reply.error, retry: true };
  }

  /** When to refresh: a minute before expiry, or at two thirds of a short token's life. */
  refreshDelay() {
    if (!this.#state) return null;
    const life = this.#state.expiresAt - this.#state.receivedAt;
    return Math.max(1000, this.#state.expiresAt - Date.now() - Math.min(60_000, life / 3));
  }

  clear() {
    this.#state = null;
    this.#storage.removeItem(KEY);
  }
}
