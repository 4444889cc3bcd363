// Switchboard, from its build output (`npm run bench` builds it first), with default options.
import { Server } from "../../core/server/dist/index.js";

export function create(httpServer) {
  const io = new Server(httpServer, { serveClient: false });
  io.on("connection", (socket) => {
    socket.on("echo", (data, ack) => ack(data));
  });
  return {
    broadcast: (args) => io.emit(...args),
    count: () => io.of("/").sockets.size,
  };
}
