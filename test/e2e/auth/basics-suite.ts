import { expect, it, afterEach, beforeEach } from "@jest/globals";
import { connected, type RealtimeApp, type StartApp } from "./harness.js";
import { Clients, once, waitFor } from "../../support/index.js";

/** Connections, events, acks, rooms and close: the same checks for every framework. */
export function runBasicsSuite(start: StartApp): void {
  let app: RealtimeApp;
  const clients = new Clients();

  beforeEach(async () => {
    app = await start({ pingInterval: 2000, pingTimeout: 2000 });
    app.io.on("connection", (socket) => {
      socket.on("echo", (value: unknown, ack: (v: unknown) => void) => ack(value));
      socket.on("join", async (room: string, ack: () => void) => {
        await socket.join(room);
        ack();
      });
      socket.on("shout", (room: string, text: string) => app.io.to(room).emit("shouted", text));
      socket.on("ask", async (ack: (answer: unknown) => void) => ack(await socket.emitWithAck("question", "ping?")));
    });
  });

  afterEach(async () => {
    await clients.closeAll();
    await app.close();
  });

  it("connects over long-polling only, with events and acks both ways", async () => {
    const socket = await connected(clients.open(app.url, { transports: ["polling"] }));
    expect(socket.io.engine.transport.name).toBe("polling");
    expect(await socket.emitWithAck("echo", { n: 1, list: ["a"] })).toEqual({ n: 1, list: ["a"] });
    socket.on("question", (q: string, ack: (a: string) => void) => ack(`${q} pong`));
    expect(await socket.emitWithAck("ask")).toBe("ping? pong");
  });

  it("connects WebSocket-only", async () => {
    const socket = await connected(clients.open(app.url, { transports: ["websocket"] }));
    expect(socket.io.engine.transport.name).toBe("websocket");
    expect(await socket.emitWithAck("echo", "hi")).toBe("hi");
    expect(app.io.of("/").sockets.size).toBe(1);
  });

  it("upgrades from polling to WebSocket and keeps talking", async () => {
    const socket = clients.open(app.url);
    await connected(socket);
    if (socket.io.engine.transport.name !== "websocket") await once(socket.io.engine, "upgrade");
    expect(socket.io.engine.transport.name).toBe("websocket");
    expect(await socket.emitWithAck("echo", Buffer.from([1, 2, 3]))).toEqual(Buffer.from([1, 2, 3]));
  });

  it("broadcasts to a room only", async () => {
    const [inside, outside] = await Promise.all([
      connected(clients.open(app.url, { transports: ["websocket"] })),
      connected(clients.open(app.url, { transports: ["polling"] })),
    ]);
    await inside.emitWithAck("join", "lobby");
    const heardOutside: unknown[] = [];
    outside.on("shouted", (text: unknown) => heardOutside.push(text));
    const heard = once<[string]>(inside, "shouted");
    outside.emit("shout", "lobby", "hello lobby");
    expect((await heard)[0]).toBe("hello lobby");
    // One more round trip for the outsider: a stray broadcast would have arrived by then.
    await outside.emitWithAck("echo", 0);
    expect(heardOutside).toEqual([]);
  });

  it("closes with clients still connected, without hanging", async () => {
    const [ws, polling] = await Promise.all([
      connected(clients.open(app.url, { transports: ["websocket"] })),
      connected(clients.open(app.url, { transports: ["polling"] })),
    ]);
    const gone = Promise.all([once(ws, "disconnect"), once(polling, "disconnect")]);
    await app.close();
    await gone;
    await waitFor(() => app.io.of("/").sockets.size === 0);
    expect(ws.connected || polling.connected).toBe(false);
  });
}
