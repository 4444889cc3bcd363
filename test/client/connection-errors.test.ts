import { createServer } from "node:http";
import { io, type Socket } from "@switchboard/client";
import { Server } from "@switchboard/server";
import { closeServer, listen, once } from "../support/index.js";

type FailedConnect = Error & { status?: number; hint?: string; description?: unknown };

/** A failed connection says what went wrong: the HTTP status when there was one, and what to check. */
describe("connect_error of a connection that cannot be made", () => {
  const opened: Socket[] = [];
  afterEach(() => {
    for (const socket of opened.splice(0)) socket.disconnect();
  });
  const open = (url: string, opts: Parameters<typeof io>[1]): Socket => {
    const socket = io(url, { forceNew: true, reconnection: false, ...opts });
    opened.push(socket);
    return socket;
  };

  it.each([["websocket"], ["polling"]])("names a stopped server over %s", async (transport) => {
    const http = createServer();
    const { url } = await listen(http);
    await closeServer(http);
    const [err] = await once<[FailedConnect]>(open(url, { transports: [transport] }), "connect_error");
    expect(err.message).toBe(transport === "websocket" ? "websocket error" : "xhr poll error");
    expect(err.hint).toMatch(/^nothing listens at (ws|http):\/\/127\.0\.0\.1:\d+: is the server running/);
  });

  it("names the path when nothing answers there", async () => {
    const http = createServer((_req, res) => res.writeHead(404).end());
    const io1 = new Server(http, { path: "/realtime" });
    const { url } = await listen(http);
    try {
      const [err] = await once<[FailedConnect]>(open(url, { transports: ["polling"] }), "connect_error");
      expect(err.message).toBe("xhr poll error");
      expect(err.status).toBe(404);
      expect(err.description).toBe(404);
      expect(err.hint).toMatch(/nothing answers on \/socket\.io\/ at http:\/\/127\.0\.0\.1:\d+: check the `path` option/);
    } finally {
      await io1.close();
    }
  });
});
