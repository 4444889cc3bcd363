import { createServer } from "node:http";
import { attach } from "engine.io";
import { WebSocketServer } from "ws";
import { EngineSocket } from "@switchboard/client";
import { closeServer, listen, once } from "../support/index.js";

describe("EngineSocket (bare Engine.IO client)", () => {
  test("talks to the official engine.io server over polling, then upgrades", async () => {
    const http = createServer();
    // The server pings again only once the previous pong came back, so a second ping proves the
    // first was answered; a generous pingTimeout keeps a busy machine from timing the session out.
    const engine = attach(http, { pingInterval: 100, pingTimeout: 5000 });
    engine.on("connection", (socket) => socket.on("message", (data: string | Buffer) => socket.send(data)));
    const { url } = await listen(http);
    const client = new EngineSocket(url, { path: "/engine.io" });
    try {
      await once(client, "open");
      expect(client.transport.name).toBe("polling");
      client.send("hello");
      expect(await once(client, "message")).toEqual(["hello"]);
      await once(client, "upgrade");
      client.send(new Uint8Array([1, 2, 3]));
      const [bytes] = await once<[Buffer]>(client, "message");
      expect([...bytes]).toEqual([1, 2, 3]);
      // Pings answered: the session outlives several heartbeats.
      await once(client, "ping");
      await once(client, "ping");
      expect(client.readyState).toBe("open");
    } finally {
      client.close();
      engine.close();
      await closeServer(http);
    }
  });

  test("detects a dead server after pingInterval + pingTimeout", async () => {
    // A server that completes the handshake and then never pings again.
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    wss.on("connection", (ws) => ws.send(`0${JSON.stringify({ sid: "dead", upgrades: [], pingInterval: 100, pingTimeout: 100, maxPayload: 1e6 })}`));
    const { url } = await listen(http);
    const client = new EngineSocket(url, { transports: ["websocket"] });
    try {
      await once(client, "open");
      const [reason] = await once<[string]>(client, "close", 2000);
      expect(reason).toBe("ping timeout");
      expect(client.readyState).toBe("closed");
    } finally {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await closeServer(http);
    }
  });

  test("reports an error when no transport is usable", async () => {
    const client = new EngineSocket("http://127.0.0.1:1", { transports: ["carrier-pigeon"] });
    const [err] = await once<[Error]>(client, "error");
    expect(err.message).toBe("No transports available");
  });
});
