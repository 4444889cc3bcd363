import { Server } from "socket.io";
import { describeClientSuite } from "./client-suite.js";
import { serverFactory } from "./server-factory.js";

describeClientSuite(serverFactory("the official socket.io server", (http, opts) => new Server(http, opts)));
