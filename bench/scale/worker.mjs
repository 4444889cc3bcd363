// A cluster worker of the scale benchmark (forked by primary.mjs, run with --expose-gc): the
// stack's server on an HTTP server that does not listen (the primary hands it connections), the
// stack's Redis adapter (pub/sub), and the sticky worker side of the stack.
import { createServer } from "node:http";
import { createClient } from "redis";

const [stack, redisUrl] = process.argv.slice(2);

const pub = createClient({ url: redisUrl });
pub.on("error", (err) => console.error(`[scale worker ${stack}] redis:`, err.message));
const sub = pub.duplicate();
sub.on("error", (err) => console.error(`[scale worker ${stack}] redis sub:`, err.message));
await Promise.all([pub.connect(), sub.connect()]);

const httpServer = createServer();
let io;
if (stack === "switchboard") {
  const { Server } = await import("@switchboard/server");
  const { createAdapter, setupWorker } = await import("@switchboard/redis-adapter");
  io = new Server(httpServer, { serveClient: false });
  io.adapter(createAdapter(pub, sub));
  setupWorker(httpServer, io);
} else {
  const { Server } = await import("socket.io");
  const { createAdapter } = await import("@socket.io/redis-adapter");
  const { setupWorker } = await import("@socket.io/sticky");
  io = new Server(httpServer, { serveClient: false });
  io.adapter(createAdapter(pub, sub));
  setupWorker(io);
}

function memory() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  const cpu = process.cpuUsage();
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    sockets: io.of("/").sockets.size,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

const handlers = {
  memory,
  stamp() {
    const at = performance.timeOrigin + performance.now();
    io.emit("t", at);
    return { at };
  },
};

process.on("message", (msg) => {
  if (msg?.bench !== "cmd") return;
  try {
    process.send({ bench: "reply", id: msg.id, result: handlers[msg.cmd](msg) });
  } catch (err) {
    process.send({ bench: "reply", id: msg.id, error: err.message });
  }
});
process.send({ bench: "ready", memory: memory() });
