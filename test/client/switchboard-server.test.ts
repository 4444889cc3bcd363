import { Server } from "@switchboard/server";
import { describeClientSuite } from "./client-suite.js";
import { serverFactory } from "./server-factory.js";

describeClientSuite(serverFactory("@switchboard/server", (http, opts) => new Server(http, opts)));
