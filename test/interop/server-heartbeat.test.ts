// One heartbeat clock drives every session of a server: half-open connections (a peer that stops
// answering, its TCP connection still open) are closed with "ping timeout" within pingInterval +
// pingTimeout, while the sessions that answer their pings stay, whatever their number.
import { afterEach, describe, expect, it } from "@jest/globals";
import { createServer } from "node:http";
import { Server, type Socket } from "@switchboard/server";
import { Clients, closeServer, listen, once, startTcpProxy, type Listening, type TcpProxy } from "../support/index.js";

const PING_INTERVAL = 200;
const PING_TIMEOUT = 300;

describe("heartbeat of many sessions", () => {
  let running: (Listening & { io: Server }) | undefined;
  let proxy: TcpProxy | undefined;
  const clients = new Clients();

  afterEach(async () => {
    await clients.closeAll();
    await proxy?.close();
    proxy = undefined;
    if (running) {
      await running.io.close();
      await closeServer(running.server);
    }
    running = undefined;
  });

  it("closes the half-open ones with ping timeout within pingInterval + pingTimeout, and keeps the others", async () => {
    const httpServer = createServer();
    const io = new Server(httpServer, { pingInterval: PING_INTERVAL, pingTimeout: PING_TIMEOUT });
    running = { ...(await listen(httpServer)), io };
    proxy = await startTcpProxy(running.port);
    const proxied = `http://127.0.0.1:${proxy.port}`;

    const sockets: Socket[] = [];
    io.on("connection", (socket) => sockets.push(socket));
    const open = (url: string) =>
      new Promise<void>((resolve, reject) => {
        const client = clients.open(url, { transports: ["websocket"] });
        client.once("connect", () => resolve());
        client.once("connect_error", reject);
      });
    // Half of them through the proxy, half directly; opened one after another, so their pings fall
    // due at different times on the one clock.
    for (let i = 0; i < 10; i++) await open(i % 2 === 0 ? proxied : running.url);
    expect(sockets).toHaveLength(10);
    const viaProxy = sockets.filter((_, i) => i % 2 === 0);
    const direct = sockets.filter((_, i) => i % 2 === 1);
    const reasons = new Map<Socket, string>();
    for (const socket of sockets) socket.on("disconnect", (reason) => reasons.set(socket, reason));

    // Nothing moves through the proxy any more, but its connections stay open: half-open peers.
    proxy.freeze();
    // Each is gone by pingInterval + pingTimeout after its last pong (margin: a loaded machine).
    await Promise.all(viaProxy.map((socket) => (reasons.has(socket) ? Promise.resolve() : once(socket, "disconnect", PING_INTERVAL + PING_TIMEOUT + 2000))));
    expect(viaProxy.map((socket) => reasons.get(socket))).toEqual(viaProxy.map(() => "ping timeout"));

    // The direct clients keep answering: two more pongs each, and they are still connected.
    const twoPongs = (socket: Socket) =>
      new Promise<void>((resolve) => {
        let pongs = 0;
        const onPong = () => {
          if (++pongs < 2) return;
          socket.conn.off("heartbeat", onPong);
          resolve();
        };
        socket.conn.on("heartbeat", onPong);
      });
    await Promise.all(direct.map(twoPongs));
    expect(direct.every((socket) => socket.connected)).toBe(true);
    expect(io.engine.clientsCount).toBe(5);
  });
});
