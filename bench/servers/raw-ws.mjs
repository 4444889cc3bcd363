// The reference limit: bare `ws` speaking just enough Engine.IO/Socket.IO by hand for the load
// generator (open packet, CONNECT, events with acks, heartbeat). No rooms, no polling.
//   mode "frame": a broadcast builds its WebSocket frame once and writes it to every TCP socket.
//   mode "loop":  frames queue per socket and leave in one write per socket per event-loop turn.
// Heartbeat as `ws`'s documentation shows it: one interval for every connected client sends a ping
// packet and cuts a client that did not answer the previous one.
import { randomBytes } from "node:crypto";
import { WebSocketServer, Sender } from "ws";

function textFrame(text) {
  const list = Sender.frame(Buffer.from(text), { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false });
  return list.length === 1 ? list[0] : Buffer.concat(list);
}

export function create(httpServer, mode, { pingInterval = 25000, pingTimeout = 20000 } = {}) {
  const OPEN = JSON.stringify({ upgrades: [], pingInterval, pingTimeout, maxPayload: 1e6 });
  const PING = textFrame("2");
  const wss = new WebSocketServer({ server: httpServer, path: "/socket.io/", perMessageDeflate: false, clientTracking: false });
  const clients = new Set();
  let pending = new Set();
  let flushScheduled = false;

  const flush = () => {
    flushScheduled = false;
    const list = pending;
    pending = new Set();
    for (const c of list) {
      const q = c.queue;
      c.queue = [];
      if (c.tcp.writable) c.tcp.write(q.length === 1 ? q[0] : Buffer.concat(q));
    }
  };
  const write = (c, frame) => {
    if (mode === "frame") {
      if (c.tcp.writable) c.tcp.write(frame);
      return;
    }
    c.queue.push(frame);
    pending.add(c);
    if (!flushScheduled) {
      flushScheduled = true;
      process.nextTick(flush);
    }
  };

  const heartbeat = setInterval(() => {
    for (const c of clients) {
      if (!c.alive) {
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      if (c.tcp.writable) c.tcp.write(PING);
    }
  }, pingInterval);
  heartbeat.unref();

  wss.on("connection", (ws) => {
    const sid = randomBytes(15).toString("base64url");
    const c = { ws, tcp: ws._socket, queue: [], connected: false, alive: true };
    ws.send(`0{"sid":"${sid}",${OPEN.slice(1)}`);
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      if (data.length === 1 && data[0] === 0x33) {
        c.alive = true;
        return;
      }
      const text = data.toString();
      if (text === "40" || text.startsWith("40{")) {
        c.connected = true;
        clients.add(c);
        write(c, textFrame(`40{"sid":"${randomBytes(15).toString("base64url")}"}`));
      } else if (text.startsWith("42")) {
        let i = 2;
        while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
        const args = JSON.parse(text.slice(i));
        if (i > 2 && args[0] === "echo") write(c, textFrame(`43${text.slice(2, i)}${JSON.stringify(args.slice(1))}`));
      }
    });
    ws.on("close", () => {
      clients.delete(c);
      pending.delete(c);
    });
  });

  return {
    broadcast(args) {
      const frame = textFrame("42" + JSON.stringify(args));
      for (const c of clients) write(c, frame);
    },
    count: () => clients.size,
  };
}
