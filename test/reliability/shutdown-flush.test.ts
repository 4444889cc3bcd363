// Shutdown without loss: what was emitted before `close()` reaches the (official) client, over
// WebSocket and polling, for the bare Server and each integration's own close; server-side
// sockets leave with "server shutting down".
import { createServer } from "node:http";
import { io as ioc, type Socket as ClientSocket } from "socket.io-client";
import { Server, type FrameworkOptions, type Socket } from "@switchboard/server";
import { closeServer, listen, once } from "../support/index.js";
import { startServer } from "../interop/server-fixture.js";
import type { RealtimeApp } from "../e2e/auth/harness.js";
import { startFastify } from "../e2e/fastify/start-fastify.js";
import { startExpress } from "../e2e/express/start-express.js";
import { startNestRealtime } from "../e2e/nestjs/start-nest.js";

async function startPlain(options: FrameworkOptions): Promise<RealtimeApp> {
  const { url, io, close } = await startServer(options);
  return { url, io, close };
}

const HOSTS: Array<[string, (options: FrameworkOptions) => Promise<RealtimeApp>]> = [
  ["Server io.close()", startPlain],
  ["Fastify app.close()", (options) => startFastify(options)],
  ["Express io.close()", (options) => startExpress(options)],
  ["NestJS (Express) app.close()", startNestRealtime("express")],
  ["NestJS (Fastify) app.close()", startNestRealtime("fastify")],
];
const TRANSPORTS = ["websocket", "polling"] as const;
const COUNT = 300;
const PAYLOAD = "p".repeat(1000);

describe.each(HOSTS)("shutdown of %s", (_name, start) => {
  it.each(TRANSPORTS)(
    "delivers what was emitted just before close, over %s",
    async (transport) => {
      const app = await start({});
      let client: ClientSocket | undefined;
      try {
        const connection = once<[Socket]>(app.io, "connection");
        client = ioc(app.url, { transports: [transport], reconnection: false, forceNew: true });
        const received: number[] = [];
        let last = false;
        client.on("msg", (i: number) => received.push(i));
        client.on("last", () => (last = true));
        await once(client, "connect");
        const [socket] = await connection;
        const serverReason = once<[string]>(socket, "disconnect");
        const clientReason = once<[string]>(client, "disconnect", 10_000);
        // Emitted in the same turn as close(): still in the write buffer when the shutdown starts.
        for (let i = 0; i < COUNT; i++) socket.emit("msg", i, PAYLOAD);
        app.io.emit("last");
        const closed = app.close();
        expect((await serverReason)[0]).toBe("server shutting down");
        // The client sees its transport close (it would reconnect elsewhere) after the last message.
        expect((await clientReason)[0]).toBe("transport close");
        expect(received).toEqual(Array.from({ length: COUNT }, (_, i) => i));
        expect(last).toBe(true);
        await closed;
      } finally {
        client?.disconnect();
        await app.close();
      }
    },
    30_000,
  );
});

describe("shutdown is bounded", () => {
  it("cuts a client that does not collect its messages after shutdownTimeout", async () => {
    const http = createServer();
    const io = new Server(http, { shutdownTimeout: 300 });
    const { url } = await listen(http);
    const connection = once<[Socket]>(io, "connection");
    // A polling client that joined and then never polled again: nobody collects its buffer. Raw
    // requests, as an official client left paused would keep its own ping timer for 45 s.
    const base = `${url}/socket.io/?EIO=4&transport=polling`;
    const handshake = await (await fetch(base)).text();
    const sid = (JSON.parse(handshake.slice(1)) as { sid: string }).sid;
    const joined = await fetch(`${base}&sid=${sid}`, { method: "POST", body: "40", headers: { "content-type": "text/plain;charset=UTF-8" } });
    expect(joined.status).toBe(200);
    await joined.text();
    const [socket] = await connection;
    const engineClosed = once<[string]>(socket.conn, "close", 10_000);
    socket.emit("msg", "never collected");
    const started = Date.now();
    await io.close();
    const elapsed = Date.now() - started;
    expect((await engineClosed)[0]).toBe("server shutting down");
    expect(io.engine.clientsCount).toBe(0);
    // Generous: bounded by the timeout, not by the 30 s closeTimeout of a polling close.
    expect(elapsed).toBeLessThan(10_000);
    await closeServer(http);
  });
});
