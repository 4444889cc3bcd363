import { Server as OfficialServer } from "socket.io";
import { Server } from "@switchboard/server";
import { serverFactory, type ServerFactory } from "./server-factory.js";

/** The servers a client test runs against: the official `socket.io` server and ours. */
export const serverFactories: ServerFactory[] = [
  serverFactory("the official socket.io server", (http, opts) => new OfficialServer(http, opts)),
  serverFactory("@switchboard/server", (http, opts) => new Server(http, opts)),
];
