import { createServer } from "node:http";
import { format } from "node:util";
import createDebug from "debug";
import { io as ioc } from "socket.io-client";
import { jwtAuth, Server } from "@switchboard/server";
import { closeServer, listen, once } from "../support/index.js";

/** Under DEBUG=switchboard:*, what went wrong reads as one plain line. */
describe("server logs", () => {
  const lines: string[] = [];
  const previousLog = createDebug.log;
  beforeAll(() => {
    createDebug.enable("switchboard:server,switchboard:auth,switchboard:adapter,switchboard:engine");
    createDebug.log = (...args: unknown[]) => void lines.push(format(...(args as [string, ...unknown[]])));
  });
  afterAll(() => {
    createDebug.disable();
    createDebug.log = previousLog;
  });

  it("says which check refused which socket on which namespace, and why, without a stack trace", async () => {
    const http = createServer();
    const io = new Server(http, { auth: jwtAuth({ secret: "log-secret-of-at-least-32-bytes!!" }) });
    io.of("/admin").use((_socket, next) => next());
    const { url } = await listen(http);
    const client = ioc(`${url}/admin`, { forceNew: true, reconnection: false, auth: { token: "not-a-jwt" } });
    try {
      lines.length = 0;
      const [err] = await once<[Error]>(client, "connect_error");
      expect(err.message).toBe("authentication token invalid");
      const refusal = lines.filter((line) => line.includes("refused on namespace"));
      expect(refusal).toHaveLength(1);
      expect(refusal[0]).toMatch(/socket \S{20} refused on namespace \/admin by the auth: authentication token invalid \(invalid_token\)/);
      expect(lines.some((line) => line.includes("token refused: "))).toBe(true);
      expect(lines.join("\n")).not.toMatch(/\n\s+at /);

      lines.length = 0;
      io.of("/admin").to("staff").except("bots").emit("news", 1);
      expect(lines.some((line) => /broadcast "news" in \/admin to rooms \["staff"\] except \["bots"\]/.test(line))).toBe(true);
    } finally {
      client.disconnect();
      await io.close();
      await closeServer(http).catch(() => undefined);
    }
  });

  it("reports a refused CORS origin once, and each upgrade", async () => {
    const http = createServer();
    const io = new Server(http, { cors: { origin: ["https://app.example"] } });
    const { url } = await listen(http);
    // The server side's upgrade, not the client's: the client announces it before the server is done.
    const upgraded = new Promise<void>((resolve) =>
      io.engine.on("connection", (conn: { once(ev: string, fn: () => void): void }) => conn.once("upgrade", () => resolve())),
    );
    const client = ioc(url, { forceNew: true, reconnection: false });
    const connected = once(client, "connect");
    try {
      lines.length = 0;
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: "https://evil.example" } });
        expect(res.headers.get("access-control-allow-origin")).toBeNull();
        await res.text();
      }
      const refused = lines.filter((line) => line.includes("origin https://evil.example refused"));
      expect(refused).toHaveLength(1);
      expect(refused[0]).toContain("allowed: https://app.example");

      await connected;
      await upgraded;
      expect(lines.some((line) => /socket \S+ upgraded from polling to websocket/.test(line))).toBe(true);
    } finally {
      client.disconnect();
      await io.close();
      await closeServer(http).catch(() => undefined);
    }
  });
});
