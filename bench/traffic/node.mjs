// One node of the traffic benchmark, in its own process:
// `node bench/traffic/node.mjs <stack> <redis url> <index> <nodes> <rooms>`. A client names its room
// in the handshake query (`room=17`) and joins it; on each `tick` the node emits one broadcast to
// every room it owns (room % nodes === index). Between `begin` and `end` it counts what it read
// from Redis: bytes on its Redis connections (the net sockets' counters, publisher replies
// included), pub/sub messages handed to the adapter, and its own CPU.
import { createServer } from "node:http";
import { Socket } from "node:net";
import { createClient } from "redis";

const [stack, redisUrl, indexArg, nodesArg, roomsArg] = process.argv.slice(2);
const index = Number(indexArg);
const nodes = Number(nodesArg);
const rooms = Number(roomsArg);
const redisPort = Number(new URL(redisUrl).port);
const PAYLOAD = "x".repeat(64);

/** Counts every message the subscriber hands to a listener, whatever the subscription kind. */
let messages = 0;
function countMessages(client) {
  const wrapped = new WeakMap();
  const wrap = (listener) => {
    if (typeof listener !== "function") return listener;
    if (!wrapped.has(listener))
      wrapped.set(listener, (...args) => {
        messages++;
        return listener(...args);
      });
    return wrapped.get(listener);
  };
  for (const name of ["subscribe", "pSubscribe", "sSubscribe", "unsubscribe", "pUnsubscribe", "sUnsubscribe"]) {
    const original = client[name];
    if (typeof original !== "function") continue;
    client[name] = (target, listener, ...rest) => original.call(client, target, wrap(listener), ...rest);
  }
}

/** Bytes read and written on this process's TCP connections to Redis. */
function redisBytes() {
  let read = 0;
  let written = 0;
  for (const handle of process._getActiveHandles()) {
    if (!(handle instanceof Socket) || handle.remotePort !== redisPort) continue;
    read += handle.bytesRead;
    written += handle.bytesWritten;
  }
  return { read, written };
}

// Errors that escape a stack are counted (the first few shown), not fatal: the figures say how it fared.
let errors = 0;
const countError = (what, err) => {
  if (++errors <= 3) console.error(`[traffic node ${index} ${stack}] ${what}:`, err?.message ?? err, err?.cause ?? "");
};
for (const kind of ["uncaughtException", "unhandledRejection"]) process.on(kind, (err) => countError(kind, err));

// node-redis fails a command after 5 s by default; on 2 shared cores a starved node can wait that
// long for a reply, so every stack gets 30 s.
const pub = createClient({ url: redisUrl, commandOptions: { timeout: 30000 } });
pub.on("error", (err) => console.error(`[traffic node ${index}] redis:`, err.message));
const sub = pub.duplicate();
sub.on("error", (err) => console.error(`[traffic node ${index}] redis sub:`, err.message));
await Promise.all([pub.connect(), sub.connect()]);
countMessages(sub);

const httpServer = createServer();
const serverOptions = { serveClient: false, transports: ["websocket"] };
let io;
const [lib, mode] = stack.split("-"); // "switchboard-classic", "socketio-dynamic", ...
if (lib === "switchboard") {
  const { Server } = await import("@switchboard/server");
  const adapters = await import("@switchboard/redis-adapter");
  io = new Server(httpServer, serverOptions);
  if (mode === "classic") io.adapter(adapters.createAdapter(pub, sub));
  else io.adapter(adapters.createShardedAdapter(pub, sub, { subscriptionMode: mode }));
} else if (lib === "socketio") {
  const { Server } = await import("socket.io");
  const adapters = await import("@socket.io/redis-adapter");
  io = new Server(httpServer, serverOptions);
  if (mode === "classic") io.adapter(adapters.createAdapter(pub, sub));
  else io.adapter(adapters.createShardedAdapter(pub, sub, { subscriptionMode: mode }));
} else {
  throw new Error(`unknown stack ${stack}`);
}
io.of("/").adapter.on?.("error", (err) => countError("adapter", err));

let local = 0;
io.on("connection", (socket) => {
  local++;
  socket.join(`room-${socket.handshake.query.room}`);
});

const owned = [];
for (let r = index; r < rooms; r += nodes) owned.push(`room-${r}`);

let start;
const handlers = {
  begin() {
    start = { cpu: process.cpuUsage(), bytes: redisBytes(), messages, at: performance.now() };
    return local;
  },
  tick({ n }) {
    for (const room of owned) io.to(room).emit("m", { n, room, d: PAYLOAD });
    return true;
  },
  end() {
    const cpu = process.cpuUsage(start.cpu);
    const bytes = redisBytes();
    return {
      local,
      errors,
      bytesRead: bytes.read - start.bytes.read,
      bytesWritten: bytes.written - start.bytes.written,
      messages: messages - start.messages,
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs: performance.now() - start.at,
    };
  },
};

process.on("message", (msg) => {
  Promise.resolve()
    .then(() => handlers[msg.cmd](msg))
    .then(
      (result) => msg.id !== undefined && process.send({ id: msg.id, result }),
      (err) => process.send({ id: msg.id, error: err.message }),
    );
});
process.on("disconnect", () => process.exit(0));
httpServer.listen(0, "127.0.0.1", () => process.send({ type: "listening", port: httpServer.address().port }));
