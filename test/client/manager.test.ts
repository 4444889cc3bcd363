import { createServer, type Socket as NetSocket } from "node:net";
import { io, Manager } from "@switchboard/client";
import { once } from "../support/index.js";

describe("Manager without a server to talk to", () => {
  test("times out a connection that never answers (timeout option), then reconnects", async () => {
    // Accepts TCP connections and never says a word.
    const sockets: NetSocket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    const socket = io(`http://127.0.0.1:${port}`, { forceNew: true, timeout: 100, reconnectionAttempts: 1, reconnectionDelay: 10 });
    try {
      const [err] = await once<[Error]>(socket, "connect_error");
      expect(err.message).toBe("timeout");
      const [attempt] = await once<[number]>(socket.io, "reconnect_attempt");
      expect(attempt).toBe(1);
      await once(socket.io, "reconnect_failed", 2000);
      expect(socket.connected).toBe(false);
    } finally {
      socket.disconnect();
      socket.io._close();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test("open(cb) reports the error; reconnection(false) stops retries", async () => {
    const manager = new Manager("http://127.0.0.1:1", { autoConnect: false, reconnection: false, transports: ["websocket"] });
    expect(manager.reconnection()).toBe(false);
    const err = await new Promise<Error | undefined>((resolve) => manager.open(resolve));
    expect(err).toBeInstanceOf(Error);
    expect(manager._readyState).toBe("closed");
    manager._close();
  });
});
