import { io as officialIo } from "socket.io-client";
import { io as switchboardIo } from "@switchboard/client";
import { Server } from "@switchboard/server";
import { closeServer, listen, waitFor, type Listening } from "../support/index.js";

// The connection end of a handover (`io.close({ handover })` calls `handOff()` on each engine
// connection): clients that keep emitting while their connection is ended lose nothing and send
// nothing twice, with socket.io-client 4.8 and @switchboard/client alike, and they reconnect by
// themselves ("transport close").

const CLIENTS = 8;
const ROUNDS = 4;

interface Sender {
  socket: { connected: boolean; emit(ev: string, v: string): unknown; on(ev: string, fn: (reason: string) => void): unknown; disconnect(): unknown };
  sent: number;
  connects: number;
  reasons: string[];
  timer: NodeJS.Timeout;
}

let http: Listening;
let io: Server;
const senders: Sender[] = [];

afterEach(async () => {
  for (const sender of senders.splice(0)) {
    clearInterval(sender.timer);
    sender.socket.disconnect();
  }
  await io.close();
  await closeServer(http.server);
});

describe.each(["official", "switchboard"] as const)("handing connections off with the %s client", (kind) => {
  it("reads everything the client sent until its connection ended, and the client reconnects", async () => {
    http = await listen();
    io = new Server(http.server);
    const received = new Map<string, number>();
    io.on("connection", (socket) => socket.on("up", (value: string) => received.set(value, (received.get(value) ?? 0) + 1)));
    for (let c = 0; c < CLIENTS; c++) {
      const options = { forceNew: true, transports: ["websocket"], reconnectionDelay: 20, reconnectionDelayMax: 50 };
      const socket = (kind === "official" ? officialIo(http.url, options) : switchboardIo(http.url, options)) as unknown as Sender["socket"];
      const sender: Sender = { socket, sent: 0, connects: 0, reasons: [], timer: setInterval(() => socket.emit("up", `${c}-${sender.sent++}`), 2) };
      socket.on("connect", () => sender.connects++);
      socket.on("disconnect", (reason) => sender.reasons.push(reason));
      senders.push(sender);
    }
    await waitFor(() => senders.every((s) => s.connects === 1), 10_000, "every client connected");

    for (let round = 1; round <= ROUNDS; round++) {
      // Mid-stream: each client has a message on the way every 2 ms.
      const sentBefore = senders.map((s) => s.sent);
      await waitFor(() => senders.every((s, i) => s.sent >= sentBefore[i] + 10), 10_000, "clients sending");
      for (const conn of Object.values(io.engine.clients)) conn.handOff();
      await waitFor(() => senders.every((s) => s.connects === round + 1 && s.socket.connected), 10_000, `reconnection ${round}`);
    }

    for (const sender of senders) clearInterval(sender.timer);
    const expected = senders.reduce((n, s) => n + s.sent, 0);
    await waitFor(() => received.size >= expected, 10_000, "every message on the server").catch(() => undefined);
    const missing = senders.flatMap((s, c) => Array.from({ length: s.sent }, (_, n) => `${c}-${n}`).filter((v) => !received.has(v)));
    expect({ missing, duplicated: [...received.values()].filter((count) => count > 1).length }).toEqual({ missing: [], duplicated: 0 });
    expect(senders.map((s) => s.reasons)).toEqual(senders.map(() => Array.from({ length: ROUNDS }, () => "transport close")));
  }, 60_000);
});
