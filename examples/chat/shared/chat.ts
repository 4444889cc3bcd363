import { randomUUID } from "node:crypto";
import type { DisconnectReason, Server, Socket } from "@switchboard/server";
import createDebug from "debug";
import { checkMessageId, checkRoom, checkText } from "./chat-rules.js";
import type { ChatSetup } from "./chat-setup.js";
import type { ChatMessage, ClientToServerEvents, Failure, InterServerEvents, ServerToClientEvents, SocketData } from "./events.js";

export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

const debug = createDebug("switchboard:example:chat");

/** Calls an ack only when the client sent one: a hostile client may omit it, which must not throw. */
function reply<T>(ack: unknown, value: T): void {
  if (typeof ack === "function") (ack as (value: T) => void)(value);
}

/** A user who closes the page or logs out leaves at once; any other drop may be a blip. */
const DELIBERATE: ReadonlySet<DisconnectReason> = new Set(["client namespace disconnect"]);

/**
 * The chat, for every server variant. Who a socket is comes from its token (`socket.data.user.sub`,
 * set by `auth`). Everything that must hold across several server processes goes through the
 * adapter (`fetchSockets` for presence, room broadcasts) or the store (rooms, history), never
 * through this process's memory.
 *
 * @example
 * const chat = setUpChat();
 * registerChat(new Server(httpServer, chat.serverOptions), chat);
 */
export function registerChat(io: ChatServer, { store, leaveGraceMs }: Pick<ChatSetup, "store" | "leaveGraceMs">): void {
  /** Runs a handler's work; a failure is logged and, when the client waits for an answer, answered. */
  const run = (what: string, work: () => Promise<void>, ack?: unknown): void => {
    work().catch((err: unknown) => {
      debug("%s failed: %O", what, err);
      reply<Failure>(ack, { ok: false, error: "the server could not do that, try again" });
    });
  };

  /** Who is in a room, on every process: one entry per user, however many tabs they have. */
  const usersIn = async (room: string): Promise<string[]> => {
    const sockets = await io.in(room).fetchSockets();
    return [...new Set(sockets.map((s) => s.data.user?.sub).filter((name): name is string => typeof name === "string"))].sort();
  };

  const publishUsers = async (room: string) => {
    io.to(room).emit("users", room, await usersIn(room));
  };
  const publishOnline = async () => {
    const sockets = await io.fetchSockets();
    io.emit("online", new Set(sockets.map((s) => s.data.user?.sub)).size);
  };
  const openRoom = async (room: string) => {
    if (await store.addRoom(room)) io.emit("rooms", await store.rooms());
  };

  const notice = async (room: string, username: string, text: string) => {
    const { message } = await store.record({ id: randomUUID(), room, kind: "system", from: username, text, at: Date.now() });
    io.to(room).emit("message", message);
  };
  const arrive = async (room: string, username: string) => {
    if (await store.markPresent(room, username)) await notice(room, username, `${username} joined`);
  };
  /** Announces a departure unless the user is still in the room (another tab, or already back). */
  const departIfGone = async (room: string, username: string) => {
    if ((await usersIn(room)).includes(username)) return;
    if (await store.markAbsent(room, username)) await notice(room, username, `${username} left`);
  };

  const leave = async (socket: ChatSocket, username: string) => {
    const room = socket.data.room;
    if (room === undefined) return;
    socket.data.room = undefined;
    await socket.leave(room);
    io.to(room).emit("typing", room, username, false);
    await departIfGone(room, username);
    await publishUsers(room);
  };

  io.on("connection", (socket) => {
    const username = socket.data.user?.sub;
    if (typeof username !== "string") {
      // Only a server started without the chat's `auth` gets here.
      debug("socket %s has no verified user: is the server's auth option set?", socket.id);
      socket.disconnect(true);
      return;
    }
    run("online count", publishOnline);
    // A recovered session is back in its room already (rooms and data are restored).
    const recoveredRoom = socket.recovered ? socket.data.room : undefined;
    if (recoveredRoom !== undefined) {
      run("recovery", async () => {
        await arrive(recoveredRoom, username);
        await publishUsers(recoveredRoom);
      });
    }

    socket.on("join", (room, ack) =>
      run(
        `join ${String(room)}`,
        async () => {
          const error = checkRoom(room);
          if (error) return reply(ack, { ok: false, error });
          if (socket.data.room !== room) {
            await leave(socket, username);
            await openRoom(room);
            await socket.join(room);
            socket.data.room = room;
          }
          await arrive(room, username);
          const [users, history, rooms] = await Promise.all([usersIn(room), store.history(room), store.rooms()]);
          socket.to(room).emit("users", room, users);
          reply(ack, { ok: true, room, users, history, rooms });
        },
        ack,
      ),
    );

    socket.on("message", (draft, ack) =>
      run(
        "message",
        async () => {
          if (typeof draft !== "object" || draft === null) return reply(ack, { ok: false, error: "a message is { id, room, text }" });
          const error = checkMessageId(draft.id) ?? checkRoom(draft.room) ?? checkText(draft.text);
          if (error) return reply(ack, { ok: false, error });
          await openRoom(draft.room);
          const sent: ChatMessage = { id: draft.id, room: draft.room, kind: "user", from: username, text: draft.text, at: Date.now() };
          const { message, fresh } = await store.record(sent);
          if (message.from !== username || message.kind !== "user") return reply(ack, { ok: false, error: "that message id is taken" });
          // A message sent again (its first ack was lost in a disconnection) is answered, not repeated.
          if (fresh) io.to(message.room).emit("message", message);
          reply(ack, { ok: true, message });
        },
        ack,
      ),
    );

    socket.on("typing", (room, isTyping) => {
      if (typeof room !== "string" || !socket.rooms.has(room)) return;
      socket.to(room).emit("typing", room, username, isTyping === true);
    });

    socket.on("disconnect", (reason) => {
      run("online count", publishOnline);
      const room = socket.data.room;
      if (room === undefined) return;
      io.to(room).emit("typing", room, username, false);
      run(`users of ${room}`, () => publishUsers(room));
      if (DELIBERATE.has(reason)) return run(`leave ${room}`, () => departIfGone(room, username));
      // Give a dropped user time to come back (to this process or another) before saying they left.
      setTimeout(() => run(`leave ${room}`, () => departIfGone(room, username)), leaveGraceMs).unref();
    });
  });
}
