// A small chat server written against socket.io 4.x. Switching to Switchboard is one line:
//   import { Server } from "@switchboard/server";
import { createServer } from "node:http";
import { Server } from "socket.io";

/** Builds the app; `listen(port)` starts it and resolves with the port, `close()` stops it. */
export function createApp() {
  const httpServer = createServer();
  const io = new Server(httpServer, { pingInterval: 10000, cleanupEmptyChildNamespaces: true });

  io.use((socket, next) => {
    const name = socket.handshake.auth.name;
    if (!name) {
      const err = new Error("name required");
      err.data = { hint: "pass auth: { name }" };
      return next(err);
    }
    socket.data.name = name;
    next();
  });

  io.on("connection", (socket) => {
    socket.join("lobby");
    socket.to("lobby").emit("joined", socket.data.name);

    socket.on("say", (text, ack) => {
      io.to("lobby").emit("said", socket.data.name, text);
      if (typeof ack === "function") ack({ ok: true });
    });

    socket.on("whisper", async (to, text) => {
      const sockets = await io.in("lobby").fetchSockets();
      const target = sockets.find((s) => s.data.name === to);
      if (target) io.to(target.id).emit("whispered", socket.data.name, text);
    });

    socket.on("upload", (bytes, ack) => ack(bytes.length, Buffer.from(bytes).reverse()));

    socket.on("poll", async (question, ack) => {
      try {
        const answers = await socket.broadcast.timeout(1000).emitWithAck("vote", question);
        ack(answers.sort());
      } catch (err) {
        ack(["timeout: " + err.message]);
      }
    });

    socket.on("disconnect", (reason) => {
      io.to("lobby").emit("left", socket.data.name, reason);
    });
  });

  // A namespace per room, created on demand.
  io.of(/^\/room-[a-z]+$/).on("connection", (socket) => {
    socket.emit("welcome", socket.nsp.name);
  });

  return {
    io,
    httpServer,
    listen(port = 0) {
      return new Promise((resolve) => httpServer.listen(port, "127.0.0.1", () => resolve(httpServer.address().port)));
    },
    close() {
      return io.close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const app = createApp();
  const port = await app.listen(Number(process.env.PORT ?? 3000));
  console.log(`chat listening on http://127.0.0.1:${port}`);
}
