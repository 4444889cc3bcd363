import type { Server, Socket } from "@switchboard/server";
import createDebug from "debug";
import { checkRoom, checkText, checkUsername } from "./chat-rules.js";
import { ChatStore } from "./chat-store.js";
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from "./events.js";

export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

const debug = createDebug("switchboard:example:chat");

/** Calls an ack only when the client sent one: a hostile client may omit it, which must not throw. */
function reply<T>(ack: unknown, value: T): void {
  if (typeof ack === "function") ack(value);
}

/**
 * The chat of the Socket.IO tutorial, for any server variant: pick a username (refused if taken),
 * join a room, talk to it, see who types and who is there.
 *
 * @example
 * registerChat(new Server(httpServer));
 */
export function registerChat(io: ChatServer, store = new ChatStore()): ChatStore {
  const usersIn = async (room: string): Promise<string[]> => {
    const sockets = await io.in(room).fetchSockets();
    return sockets.map((s) => s.data.username).filter((name): name is string => typeof name === "string").sort();
  };

  const leaveRoom = async (socket: ChatSocket): Promise<void> => {
    const room = socket.data.room;
    if (room === undefined) return;
    socket.data.room = undefined;
    await socket.leave(room);
    io.to(room).emit("users", room, await usersIn(room));
  };

  io.on("connection", (socket) => {
    io.emit("online", io.of("/").sockets.size);

    socket.on("login", (username, ack) => {
      const error = checkUsername(username);
      if (error) return reply(ack, { ok: false, error });
      if (socket.data.username !== undefined) return reply(ack, { ok: false, error: "already logged in" });
      if (!store.claim(username, socket.id)) return reply(ack, { ok: false, error: `the username "${username}" is taken` });
      socket.data.username = username;
      debug("%s logged in as %s", socket.id, username);
      reply(ack, { ok: true, rooms: store.rooms() });
    });

    socket.on("join", async (room, ack) => {
      if (socket.data.username === undefined) return reply(ack, { ok: false, error: "log in first" });
      const error = checkRoom(room);
      if (error) return reply(ack, { ok: false, error });
      if (socket.data.room !== room) {
        await leaveRoom(socket);
        store.openRoom(room);
        await socket.join(room);
        socket.data.room = room;
      }
      const users = await usersIn(room);
      socket.to(room).emit("users", room, users);
      reply(ack, { ok: true, room, users, history: store.history(room) });
    });

    socket.on("message", (room, text, ack) => {
      const from = socket.data.username;
      if (from === undefined) return reply(ack, { ok: false, error: "log in first" });
      if (typeof room !== "string" || !socket.rooms.has(room)) return reply(ack, { ok: false, error: "join the room first" });
      const error = checkText(text);
      if (error) return reply(ack, { ok: false, error });
      const message = { room, from, text, at: Date.now() };
      store.record(message);
      io.to(room).emit("message", message);
      reply(ack, { ok: true });
    });

    socket.on("typing", (room, isTyping) => {
      const username = socket.data.username;
      if (username === undefined || typeof room !== "string" || !socket.rooms.has(room)) return;
      socket.to(room).emit("typing", room, username, isTyping === true);
    });

    socket.on("disconnect", () => {
      const { username, room } = socket.data;
      if (username !== undefined) store.release(username, socket.id);
      io.emit("online", io.of("/").sockets.size);
      if (room !== undefined) {
        usersIn(room)
          .then((users) => io.to(room).emit("users", room, users))
          .catch((err: unknown) => debug("could not list the users of %s: %O", room, err));
      }
    });
  });
  return store;
}
