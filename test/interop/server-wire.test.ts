import WebSocket from "ws";
import { once, waitFor } from "../support/index.js";
import { startServer, type Fixture } from "./server-fixture.js";

/** A raw Engine.IO WebSocket: the exact Socket.IO frames the server writes. */
async function raw(port: number): Promise<{ ws: WebSocket; frames: string[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
  const frames: string[] = [];
  ws.on("message", (data) => frames.push(data.toString()));
  await once(ws, "open");
  await waitFor(() => frames.length > 0);
  return { ws, frames };
}

describe("Socket.IO v5 frames on the wire", () => {
  let f: Fixture;
  afterEach(() => f.close());

  it("CONNECT replies {sid} without recovery, errors name the namespace", async () => {
    f = await startServer({});
    f.io.of("/locked").use((_s, next) => next(Object.assign(new Error("no"), { data: { a: 1 } })));
    const { ws, frames } = await raw(f.port);
    ws.send("40");
    ws.send("40/nope,");
    ws.send("40/locked,");
    await waitFor(() => frames.length === 4);
    // Replies come in the order each admission completes, not the order asked.
    const [connect, ...errors] = frames.slice(1).sort();
    expect(connect).toMatch(/^40\{"sid":"[\w-]{20}"\}$/);
    expect(errors).toEqual(['44/locked,{"message":"no","data":{"a":1}}', '44/nope,{"message":"Invalid namespace"}']);
    ws.close();
  });

  it("CONNECT replies {sid, pid} with recovery, and events carry an offset", async () => {
    f = await startServer({ connectionStateRecovery: {} });
    const { ws, frames } = await raw(f.port);
    ws.send("40");
    await waitFor(() => frames.length === 2);
    expect(frames[1]).toMatch(/^40\{"sid":"[\w-]{20}","pid":"[\w-]{20}"\}$/);
    f.io.emit("news", 1);
    await waitFor(() => frames.length === 3);
    expect(frames[2]).toMatch(/^42\["news",1,"[^"]+"\]$/);
    ws.close();
  });

  it("acks use the client's id, binary events announce their attachments", async () => {
    f = await startServer({});
    f.io.on("connection", (socket) => {
      socket.on("ask", (cb: (v: unknown) => void) => cb("answer"));
      socket.on("bin", () => socket.emit("bin", Buffer.from([1, 2])));
    });
    const { ws, frames } = await raw(f.port);
    ws.send("40");
    await waitFor(() => frames.length === 2);
    ws.send('4217["ask"]');
    await waitFor(() => frames.length === 3);
    expect(frames[2]).toBe('4317["answer"]');
    ws.send('42["bin"]');
    await waitFor(() => frames.length === 5);
    expect(frames[3]).toBe('451-["bin",{"_placeholder":true,"num":0}]');
    ws.close();
  });
});
