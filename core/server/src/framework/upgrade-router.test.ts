import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, jest } from "@jest/globals";
import { io as connect } from "socket.io-client";
import { createFrameworkServer } from "./framework-server.js";
import { dispatchToEngine } from "./pending-upgrade.js";
import { routeUpgrades } from "./upgrade-router.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const UPGRADE_HEADERS = { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" };

/** Sends a raw upgrade request: resolves with the HTTP answer, "upgraded", or "closed" if the socket just ends. */
function tryUpgrade(port: number, path: string): Promise<{ status: number; body: string } | "upgraded" | "closed"> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers: UPGRADE_HEADERS });
    req.on("upgrade", (_res, socket) => {
      socket.destroy();
      resolve("upgraded");
    });
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", (err: NodeJS.ErrnoException) => (err.code === "ECONNRESET" || /socket hang up/.test(err.message) ? resolve("closed") : reject(err)));
    req.end();
  });
}

describe("routeUpgrades + dispatchToEngine, with a hand-written 'framework'", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(handler: Handler, extraUpgradeListener = false) {
    const framework = createFrameworkServer();
    const server = createServer((req, res) => handler(req, res));
    const stop = routeUpgrades(server, { matches: framework.matches, handler: () => (req, res) => handler(req, res), destroyUpgradeTimeout: 50 });
    if (extraUpgradeListener) server.on("upgrade", () => {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(async () => {
      stop();
      await framework.io.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    return { ...framework, server, port: (server.address() as AddressInfo).port };
  }

  it("hands an upgrade that reaches the engine route to handleUpgrade", async () => {
    const seen: string[] = [];
    const app = await start((req, res) => {
      seen.push(req.url ?? "");
      dispatchToEngine(app.engine, req, res);
    });
    const client = connect(`http://127.0.0.1:${app.port}`, { transports: ["websocket"], forceNew: true, reconnection: false });
    cleanups.push(() => void client.disconnect());
    await new Promise<void>((resolve, reject) => {
      client.once("connect", resolve);
      client.once("connect_error", reject);
    });
    expect(seen.some((url) => url.includes("transport=websocket"))).toBe(true);
  });

  it("writes the framework's own answer to the socket and closes it", async () => {
    const app = await start((_req, res) => {
      res.writeHead(401, { "content-type": "text/plain" }).end("who are you?");
    });
    expect(await tryUpgrade(app.port, "/socket.io/?EIO=4&transport=websocket")).toEqual({ status: 401, body: "who are you?" });
  });

  it("answers 500 when the framework handler throws", async () => {
    const app = await start(() => {
      throw new Error("boom");
    });
    expect(await tryUpgrade(app.port, "/socket.io/?EIO=4&transport=websocket")).toMatchObject({ status: 500 });
  });

  it("closes an upgrade for another path when it is the only upgrade listener", async () => {
    const app = await start(() => {});
    expect(await tryUpgrade(app.port, "/elsewhere")).toBe("closed");
  });

  it("leaves an upgrade for another path to the other listeners", async () => {
    const app = await start(() => {}, true);
    // Timeouts are faked from here, so that whatever routeUpgrades' listener sets for this upgrade
    // is run at once by the listener below, which runs after it.
    jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
    cleanups.push(() => void jest.useRealTimers());
    const answered = new Promise<string>((resolve) =>
      app.server.once("upgrade", (_req, socket) => {
        jest.advanceTimersByTime(1000);
        jest.useRealTimers();
        const written = (socket as { bytesWritten?: number }).bytesWritten ?? 0;
        const state = socket.writable ? "open" : "ended";
        socket.end("HTTP/1.1 418 I'm a teapot\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        resolve(`${state}, written before: ${written}`);
      }),
    );
    const result = tryUpgrade(app.port, "/elsewhere");
    expect(await answered).toBe("open, written before: 0");
    expect(await result).toEqual({ status: 418, body: "" });
  });
});
