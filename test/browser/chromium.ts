import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";

/**
 * Debian's Chromium, headless, driven by playwright-core. Never a silent skip: without the browser
 * this throws, saying which package to install.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    const where = process.env.CI === "true" ? "CI image" : "machine";
    throw new Error(`${CHROMIUM} is missing: install Debian's package \`chromium\` on this ${where} (apt-get install chromium)`);
  }
  // Without the background-networking flags, Chromium's own connections are refused by the
  // sandbox's closed network, many at a time.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
