// Compile-time checks of the client's typed events: `npm run test:types` fails on a regression.
import { io, Manager, Socket } from "@switchboard/client";
import defaultIo, { connect } from "@switchboard/client";

interface ServerToClientEvents {
  news: (title: string, id: number) => void;
  question: (q: string, answer: (reply: boolean) => void) => void;
}
interface ClientToServerEvents {
  hello: (name: string) => void;
  sum: (a: number, b: number, cb: (total: number) => void) => void;
}

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io("http://localhost:3000");
const same: typeof io = defaultIo;
const alias: typeof io = connect;
void same;
void alias;
const protocol: number = io.protocol;
void protocol;

socket.on("news", (title, id) => {
  const t: string = title;
  const n: number = id;
  void t;
  void n;
});
socket.on("question", (_q, answer) => answer(true));
socket.on("connect", () => {});
socket.on("connect_error", (err) => void err.message);
socket.on("disconnect", (reason, details) => void [reason, details]);
socket.emit("hello", "world");
// Flow control: emit() returns the socket (chaining, as socket.io-client), whose
// writableNeedDrain tells whether to wait for `drain`.
const mustWait: boolean = socket.emit("hello", "again").writableNeedDrain;
void mustWait;
socket.on("drain", () => {});
// @ts-expect-error drain has no arguments
socket.on("drain", (count: number) => void count);
socket.emit("sum", 1, 2, (total) => {
  const t: number = total;
  void t;
});
socket.timeout(1000).emit("sum", 1, 2, (err, total) => {
  const e: Error = err;
  const t: number = total;
  void e;
  void t;
});
const total: Promise<number> = socket.emitWithAck("sum", 1, 2);
void total;
const timed: Promise<number> = socket.timeout(500).emitWithAck("sum", 1, 2);
void timed;
socket.volatile.emit("hello", "maybe");

// @ts-expect-error unknown event
socket.emit("nope");
// @ts-expect-error wrong argument type
socket.emit("hello", 42);
// @ts-expect-error listener with the wrong parameter type
socket.on("news", (title: number) => void title);
// @ts-expect-error emitWithAck needs an event that takes an ack
void socket.emitWithAck("hello", "x");

const manager = new Manager("http://localhost:3000", { reconnectionDelayMax: 10000, autoConnect: false });
const admin: Socket = manager.socket("/admin", { auth: { token: "abc" } });
admin.emit("anything", 1, "two", { three: 3 });
const delay: number = manager.reconnectionDelay();
void delay;
const chained: Manager = manager.reconnection(false).timeout(5000);
void chained;

// Both msgpack parsers are accepted as the `parser` option: ours and the official one.
import { msgpackParser } from "@switchboard/client";
import * as officialMsgpackParser from "socket.io-msgpack-parser";
export const withOurMsgpack = io("http://localhost:3000", { parser: msgpackParser });
export const withOfficialMsgpack = io("http://localhost:3000", { parser: officialMsgpackParser });
