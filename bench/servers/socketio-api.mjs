// A server with the Socket.IO API, built from the `Server` class given: Switchboard's (from its
// build output, `npm run bench` builds it first) or the official socket.io 4.8's. Default options.
export function create(Server, httpServer, opts = {}) {
  const io = new Server(httpServer, { serveClient: false, ...opts });
  io.on("connection", (socket) => {
    socket.on("echo", (data, ack) => ack(data));
  });
  return {
    broadcast: (args) => io.emit(...args),
    count: () => io.of("/").sockets.size,
  };
}
