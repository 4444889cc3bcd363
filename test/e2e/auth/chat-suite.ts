import { afterEach, beforeEach, expect, it } from "@jest/globals";
import { Clients, connected, type RealtimeApp } from "./harness.js";
import { once } from "../../support/index.js";

/** The chat example's framework variants: page files and a two-user conversation. */
export function runChatSuite(start: () => Promise<RealtimeApp>): void {
  let app: RealtimeApp;
  const clients = new Clients();

  beforeEach(async () => {
    app = await start();
  });

  afterEach(async () => {
    clients.closeAll();
    await app.close();
  });

  it("serves the page and its script", async () => {
    const page = await fetch(`${app.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await page.text()).toContain("/socket.io/socket.io.js");
    const script = await fetch(`${app.url}/app.js`);
    expect(script.status).toBe(200);
    expect(await script.text()).toContain("emitWithAck");
    expect((await fetch(`${app.url}/nope.txt`)).status).toBe(404);
    // The client bundle comes from the integration (serveClient); it exists once the client is built.
    const bundle = await fetch(`${app.url}/socket.io/socket.io.js`);
    const body = await bundle.text();
    if (bundle.status === 200) expect(bundle.headers.get("content-type")).toMatch(/javascript/);
    else expect([bundle.status, body]).toEqual([404, expect.stringContaining("browser bundle is missing")]);
  });

  it("lets two users log in, join a room and talk", async () => {
    const [ann, ben] = await Promise.all([connected(clients.open(app.url)), connected(clients.open(app.url, { transports: ["websocket"] }))]);
    expect(await ann.emitWithAck("login", "ann")).toMatchObject({ ok: true });
    expect(await ben.emitWithAck("login", "ann")).toMatchObject({ ok: false });
    expect(await ben.emitWithAck("login", "ben")).toMatchObject({ ok: true });
    expect(await ann.emitWithAck("join", "general")).toMatchObject({ ok: true, users: ["ann"] });
    expect(await ben.emitWithAck("join", "general")).toMatchObject({ ok: true, users: ["ann", "ben"] });
    const heard = once<[{ from: string; text: string }]>(ann, "message");
    expect(await ben.emitWithAck("message", "general", "hi ann")).toEqual({ ok: true });
    expect((await heard)[0]).toMatchObject({ room: "general", from: "ben", text: "hi ann" });
  });
}
