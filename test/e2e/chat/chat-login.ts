import type { TokenReply } from "../../../examples/chat/shared/events.js";

/** POST /login (or /refresh) as the chat page does it. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; reply: TokenReply }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  try {
    return { status: res.status, reply: JSON.parse(text) as TokenReply };
  } catch {
    throw new Error(`${url} answered ${res.status} with something else than JSON: ${text.slice(0, 200)}`);
  }
}

/** A token from the chat's login route, to connect with `auth: { token }`. */
export async function tokenFor(baseUrl: string, username: string): Promise<string> {
  const { status, reply } = await postJson(`${baseUrl}/login`, { username });
  if (status !== 200 || !("token" in reply)) throw new Error(`login of ${username} failed: ${status} ${JSON.stringify(reply)}`);
  return reply.token;
}
