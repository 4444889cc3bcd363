import type { Server as HttpServer } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { jwtAuth } from "@switchboard/server";
import { launchChromium } from "../browser/chromium.js";
import { connected, SECRET, signToken } from "../e2e/auth/harness.js";
import { Clients, closeServer, once } from "../support/index.js";
import { ADMIN_PASSWORD, ADMIN_PASSWORD_HASH, ADMIN_USER, startAdminApp, type AdminApp } from "./admin-app.js";
import { serveDirectory } from "./static-files.js";

// The admin UI as users run it: the static build shipped in @socket.io/admin-ui's `ui/dist`, on
// another origin than the app, logging in to our Server (CORS with credentials) in Chromium.
const UI_DIST = join(dirname(createRequire(import.meta.url).resolve("@socket.io/admin-ui/package.json")), "ui", "dist");
const basicAuth = { type: "basic" as const, username: ADMIN_USER, password: ADMIN_PASSWORD_HASH };

let browser: Browser;
let ui: { server: HttpServer; url: string };
let context: BrowserContext | undefined;
let app: AdminApp | undefined;
const clients = new Clients();

beforeAll(async () => {
  ui = await serveDirectory(UI_DIST);
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  if (ui) await closeServer(ui.server);
});

afterEach(async () => {
  // The page first: its socket closes before the server waits for it.
  await context?.close();
  context = undefined;
  await clients.closeAll();
  await app?.close();
  app = undefined;
});

/** The UI's login dialog, filled and submitted; external fonts and icons (a CDN) are not fetched. */
async function logIn(serverUrl: string, password: string): Promise<Page> {
  context ??= await browser.newContext();
  const page = await context.newPage();
  await page.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
  await page.goto(ui.url + "/");
  await page.getByLabel("Server URL").fill(serverUrl);
  await page.getByLabel("Username").fill(ADMIN_USER);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Connect" }).click();
  return page;
}

/** The Sockets view (hash routing: the page stays, and so does its connection). */
async function showSockets(page: Page): Promise<void> {
  await page.evaluate(() => ((globalThis as unknown as { location: { hash: string } }).location.hash = "#/sockets/"));
}

describe("the admin UI (@socket.io/admin-ui ui/dist) in Chromium against @switchboard/server", () => {
  it("logs in, lists the connected sockets, and disconnects one of them", async () => {
    app = await startAdminApp(
      // The app guards its namespaces with JWTs; /admin keeps the admin UI's own basic auth.
      { auth: jwtAuth({ secret: SECRET, algorithms: ["HS256"] }), publicNamespaces: ["/admin"], cors: { origin: ui.url, credentials: true } },
      { auth: basicAuth, mode: "development" },
    );
    const alice = await connected(clients.open(app.url, { auth: { token: await signToken("alice") } }));
    const bob = await connected(clients.open(app.url, { auth: { token: await signToken("bob") }, transports: ["websocket"] }));

    const wrong = await logIn(app.url, "not the password");
    await wrong.locator(".red--text", { hasText: "invalid credentials" }).waitFor();
    await wrong.close();

    const page = await logIn(app.url, ADMIN_PASSWORD);
    await page.getByLabel("Server URL").waitFor({ state: "hidden" });
    await showSockets(page);
    // The rows of the Sockets view's table (`row-pointer`): id, address, transport, a disconnect button.
    const row = (id: string) => page.locator(".row-pointer tbody tr", { hasText: id });
    await row(alice.id!).waitFor();
    await row(bob.id!).waitFor();
    expect(await row(bob.id!).textContent()).toContain("127.0.0.1");
    const aliceId = alice.id!;

    const reason = once<[string]>(alice, "disconnect");
    // The click also opens the socket's details (the row's own click handler), as it does for users.
    await row(aliceId).getByRole("button").click();
    expect(await reason).toEqual(["io server disconnect"]);
    await showSockets(page);
    await row(bob.id!).waitFor();
    await row(aliceId).waitFor({ state: "detached" });
    expect(bob.connected).toBe(true);
    expect([...app.io.of("/").sockets.keys()]).toEqual([bob.id]);
  }, 30_000);

  it("is refused when the app's auth guards /admin too", async () => {
    app = await startAdminApp(
      { auth: jwtAuth({ secret: SECRET, algorithms: ["HS256"] }), cors: { origin: ui.url, credentials: true } },
      { auth: basicAuth, mode: "development" },
    );
    const page = await logIn(app.url, ADMIN_PASSWORD);
    await page.locator(".red--text", { hasText: "authentication token missing" }).waitFor();
    expect(await page.getByLabel("Server URL").isVisible()).toBe(true);
    expect(app.io.of("/admin").sockets.size).toBe(0);
  }, 30_000);
});
