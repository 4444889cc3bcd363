/**
 * Cookies kept by a Node client for sticky sessions (load balancers pin a session by cookie).
 * Only name, value and expiry matter here: one jar serves one server origin.
 */
export class CookieJar {
  #cookies = new Map<string, { value: string; expires: number }>();

  parse(setCookie: string | string[] | undefined): void {
    if (!setCookie) return;
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair?.indexOf("=") ?? -1;
      if (!pair || eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let expires = Infinity;
      for (const attribute of attributes) {
        const [key, val = ""] = attribute.split("=");
        const k = key?.trim().toLowerCase();
        if (k === "max-age") expires = Date.now() + Number(val) * 1000;
        else if (k === "expires" && expires === Infinity) expires = Date.parse(val.trim());
      }
      if (expires <= Date.now()) this.#cookies.delete(name);
      else this.#cookies.set(name, { value, expires });
    }
  }

  /** The `Cookie` header value, or undefined when the jar is empty. */
  header(): string | undefined {
    const now = Date.now();
    const parts: string[] = [];
    for (const [name, { value, expires }] of this.#cookies) {
      if (expires <= now) this.#cookies.delete(name);
      else parts.push(`${name}=${value}`);
    }
    return parts.length ? parts.join("; ") : undefined;
  }
}
