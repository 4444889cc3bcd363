import type { Browser, Page } from "playwright-core";
import msgpackParser from "socket.io-msgpack-parser";
import { Server as OfficialServer } from "socket.io";
import { Server as SwitchboardServer } from "@switchboard/server";
import { msgpackParser as ourMsgpackParser } from "@switchboard/client";
import { ensureClientBundle } from "../client/ensure-bundle.js";
import { closeServer } from "../support/index.js";
import { startBrowserServer } from "./browser-server.js";
import { launchChromium } from "./chromium.js";

// socket.io.msgpack.min.js: its io() must speak socket.io-msgpack-parser's format with no option,
// as socket.io's bundle of the same name does. A server using that parser refuses JSON frames, so
// a connection that works proves the format.
const servers: Array<[string, new (http: any, opts: any) => any, unknown]> = [
  ["the official socket.io server with socket.io-msgpack-parser", OfficialServer, msgpackParser],
  ["@switchboard/server with socket.io-msgpack-parser", SwitchboardServer, msgpackParser],
  ["@switchboard/server with our msgpackParser", SwitchboardServer, ourMsgpackParser],
];

describe.each(servers)("the msgpack bundle in Chromium against %s", (_name, Server, parser) => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startBrowserServer>>;

  beforeAll(async () => {
    await ensureClientBundle();
    browser = await launchChromium();
  }, 60000);

  beforeEach(async () => {
    server = await startBrowserServer((http) => {
      const io = new Server(http, { serveClient: false, parser });
      io.on("connection", (socket: any) => {
        socket.on("bytes", (buf: Buffer, cb: (r: unknown) => void) => cb({ isBuffer: Buffer.isBuffer(buf), reversed: [...buf].reverse() }));
        socket.emit("welcome", { bin: Buffer.from([7, 8, 9]), nested: { n: 2 ** 40, s: "héllo" } });
      });
      return io;
    }, "socket.io.msgpack.min.js");
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => server.io.close(() => resolve()));
    await closeServer(server.http);
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** A page whose only script is the msgpack bundle (a real script tag). */
  async function msgpackPage(): Promise<{ page: Page; encoding: string | undefined }> {
    const page = await browser.newPage();
    const response = page.waitForResponse((r) => r.url().endsWith("/socket.io/socket.io.msgpack.min.js"));
    await page.goto(server.url + "/");
    const headers = await (await response).allHeaders();
    return { page, encoding: headers["content-encoding"] };
  }

  test.each([
    ["polling and the upgrade", ["polling", "websocket"]],
    ["polling only", ["polling"]],
    ["websocket only", ["websocket"]],
  ])("io() speaks MessagePack over %s: binary both ways, acks, 64-bit numbers", async (_label, transports) => {
    const { page, encoding } = await msgpackPage();
    try {
      // The browser asked for a compressed bundle and ran what it decoded.
      expect(["gzip", "br"]).toContain(encoding);
      const result = await page.evaluate(async (transports: string[]) => {
        const io = (globalThis as any).io;
        const socket = io({ transports, forceNew: true });
        const welcome = new Promise<any>((resolve) => socket.on("welcome", resolve));
        await new Promise((resolve, reject) => {
          socket.on("connect", resolve);
          socket.on("connect_error", reject);
        });
        const w = await welcome;
        const echoed = await socket.timeout(3000).emitWithAck("bytes", new Uint8Array([1, 2, 3]));
        const out = {
          binIsArrayBuffer: w.bin instanceof ArrayBuffer,
          bin: [...new Uint8Array(w.bin)],
          nested: w.nested,
          echoed,
          transport: socket.io.engine.transport.name,
        };
        socket.disconnect();
        return out;
      }, transports);
      expect(result).toEqual({
        binIsArrayBuffer: true,
        bin: [7, 8, 9],
        nested: { n: 2 ** 40, s: "héllo" },
        echoed: { isBuffer: true, reversed: [3, 2, 1] },
        transport: transports.length === 1 ? transports[0] : expect.stringMatching(/^(polling|websocket)$/),
      });
    } finally {
      await page.close();
    }
  });
});
