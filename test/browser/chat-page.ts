import type { Browser, BrowserContext, Page } from "playwright-core";

/** Viewports the chat must fit: two phones and a desktop. */
export const PHONE = { width: 360, height: 740 };
export const PHONE_390 = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

/** One user of the chat: a browser context of their own (no shared storage), one page, its errors. */
export interface ChatUser {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

export async function openChat(browser: Browser, url: string, viewport: { width: number; height: number }): Promise<ChatUser> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  await page.goto(url + "/");
  await page.locator("#username").waitFor();
  return { context, page, errors };
}

/** Logs in as a user does: the name, Enter, then the chat connected over WebSocket. */
export async function logIn(page: Page, username: string): Promise<void> {
  await page.locator("#username").fill(username);
  await page.locator("#username").press("Enter");
  await page.locator("#chat").waitFor();
  await connectedOverWebSocket(page);
  await page.locator("#room-title", { hasText: /^# general$/ }).waitFor();
}

export async function connectedOverWebSocket(page: Page): Promise<void> {
  await page.locator("#status", { hasText: /^connected \(websocket\)$/ }).waitFor();
}

export async function send(page: Page, text: string): Promise<void> {
  await page.locator("#text").fill(text);
  await page.locator("#text").press("Enter");
}

/** A user's message in the conversation (`mine`: styled as one's own). */
export function message(page: Page, text: string, { mine = false, state }: { mine?: boolean; state?: "pending" | "delivered" } = {}) {
  const selector = `#messages li.message${mine ? ".mine" : ":not(.mine)"}${state ? `[data-state="${state}"]` : ""}`;
  const exact = new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
  return page.locator(selector, { has: page.locator(".text", { hasText: exact }) });
}

export function notice(page: Page, text: string) {
  return page.locator("#messages li.notice", { hasText: text });
}

/** Whether the document scrolls sideways (it must not, from 360 px up). */
export function overflowsSideways(page: Page): Promise<boolean> {
  return page.evaluate<boolean>("document.scrollingElement.scrollWidth > window.innerWidth");
}

/** The token the page keeps (sessionStorage): it changes when the page logged in again. */
export function tokenOf(page: Page): Promise<string | undefined> {
  return page.evaluate<string | undefined>(`JSON.parse(sessionStorage.getItem("chat.session") ?? "{}").token`);
}
