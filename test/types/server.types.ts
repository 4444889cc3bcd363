// Compile-time checks of the typed Server/Namespace/Socket/BroadcastOperator API: `npm run test:types`.
import type { Server as HttpServer } from "node:http";
import { Server, type Socket } from "@switchboard/server";

interface ClientToServerEvents {
  hello: (name: string) => void;
  sum: (a: number, b: number, cb: (total: number) => void) => void;
}

interface ServerToClientEvents {
  news: (title: string, score: number) => void;
  ask: (question: string, cb: (answer: string) => void) => void;
  noArgs: () => void;
}

interface InterServerEvents {
  ping: () => void;
  count: (cb: (n: number) => void) => void;
}

interface SocketData {
  user: string;
  age: number;
}

type IsAny<T> = 0 extends 1 & T ? true : false;
// Strict: `any` equals nothing but `any`, so a lost type fails the check.
type Equal<A, B> = IsAny<A> extends true ? IsAny<B> : [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assert<T extends true>(): T | void {}

declare const http: HttpServer;
const io = new Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(http, {
  connectionStateRecovery: {},
  pingInterval: 1000,
});

// Options: engine options and socket.io's options in one object.
new Server({ path: "/ws", connectTimeout: 1000, cleanupEmptyChildNamespaces: true, cors: { origin: "*" } });
new Server(3000);
// @ts-expect-error connectTimeout is a number
new Server({ connectTimeout: "soon" });

io.on("connection", (socket) => {
  assert<Equal<typeof socket, Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>>>();

  // Listeners get the argument types of ClientToServerEvents.
  socket.on("hello", (name) => {
    assert<Equal<typeof name, string>>();
  });
  socket.on("sum", (a, b, cb) => {
    assert<Equal<typeof a, number>>();
    cb(a + b);
    // @ts-expect-error the ack takes a number
    cb("nope");
  });
  socket.on("disconnect", (reason) => {
    assert<Equal<typeof reason, import("@switchboard/server").DisconnectReason>>();
  });
  // @ts-expect-error unknown event name
  socket.on("unknown", () => {});

  // emit is checked against ServerToClientEvents.
  socket.emit("news", "title", 1);
  socket.emit("noArgs");
  // Flow control: emit() tells whether to keep writing, `drain` when to resume.
  const keepWriting: boolean = socket.emit("news", "title", 2);
  const mustWait: boolean = socket.writableNeedDrain;
  void [keepWriting, mustWait];
  socket.on("drain", () => {});
  // @ts-expect-error drain has no arguments
  socket.on("drain", (count: number) => void count);
  // @ts-expect-error wrong argument type
  socket.emit("news", "title", "one");
  // @ts-expect-error unknown event name
  socket.emit("nope");
  socket.emit("ask", "why?", (answer) => {
    assert<Equal<typeof answer, string>>();
  });

  // timeout() puts an error first in the ack.
  socket.timeout(1000).emit("ask", "why?", (err, answer) => {
    assert<Equal<typeof err, Error>>();
    assert<Equal<typeof answer, string>>();
  });
  // @ts-expect-error without timeout() the ack has no error argument
  socket.emit("ask", "why?", (err: Error, answer: string) => void [err, answer]);

  // emitWithAck resolves with the ack's value, only for events with an ack.
  const answer = socket.emitWithAck("ask", "why?");
  assert<Equal<typeof answer, Promise<string>>>();
  const timedAnswer = socket.timeout(100).emitWithAck("ask", "why?");
  assert<Equal<typeof timedAnswer, Promise<string>>>();
  // @ts-expect-error news expects no acknowledgement
  void socket.emitWithAck("news", "title", 1);

  // socket.data is SocketData.
  assert<Equal<typeof socket.data, SocketData>>();
  socket.data.user = "alice";
  // @ts-expect-error age is a number
  socket.data.age = "old";

  // Broadcasts from a socket.
  socket.broadcast.emit("news", "t", 1);
  socket.to("room").emit("news", "t", 2);
  // @ts-expect-error wrong argument type through an operator
  socket.to("room").emit("news", 1, 2);
});

// Broadcast acks: one response per recipient, error first with timeout().
io.timeout(1000).emit("ask", "all?", (err, answers) => {
  assert<Equal<typeof err, Error>>();
  assert<Equal<typeof answers, string[]>>();
});
const answers = io.timeout(1000).emitWithAck("ask", "all?");
assert<Equal<typeof answers, Promise<string[]>>>();
io.to("room").except("other").volatile.compress(false).local.emit("news", "t", 3);
// @ts-expect-error unknown event through the server
io.emit("unknown");
// @ts-expect-error the server never listens to client events itself
io.on("hello", () => {});

// Server-side events (between nodes).
io.serverSideEmit("ping");
io.on("ping", () => {});
// @ts-expect-error reserved/unknown server-side event
io.serverSideEmit("pong");
const counts = io.serverSideEmitWithAck("count");
assert<Equal<typeof counts, Promise<number[]>>>();

// Namespaces keep the types.
const admin = io.of("/admin");
admin.on("connection", (socket) => {
  socket.emit("news", "admin", 1);
});
admin.use((socket, next) => {
  socket.data.user = "admin";
  next(Object.assign(new Error("no"), { data: { retry: false } }));
});
io.of(/^\/dyn-\d+$/).on("connection", (socket) => socket.emit("noArgs"));

// fetchSockets keeps SocketData.
void io.fetchSockets().then((sockets) => {
  for (const s of sockets) {
    assert<Equal<typeof s.data, SocketData>>();
    s.emit("news", "fetched", 1);
  }
});

// io.engine is the Engine, with engine.io's API.
io.engine.on("connection_error", (err) => void err.code);
io.engine.generateId = () => "custom-id";
const count: number = io.engine.clientsCount;
void count;
// The adapter option takes a class or a factory.
declare class CustomAdapter {
  constructor(nsp: unknown);
}
new Server({ adapter: CustomAdapter });
new Server({
  adapter: function (nsp: unknown) {
    return { nsp };
  },
});
// @ts-expect-error an adapter is not a string
new Server({ adapter: "redis" });
