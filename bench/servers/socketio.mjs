// The official socket.io 4.8 server (a devDependency), with default options.
import { Server } from "socket.io";

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
