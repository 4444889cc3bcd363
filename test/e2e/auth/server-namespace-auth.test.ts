import { createServer } from "node:http";
import { describe } from "@jest/globals";
import { Server } from "@switchboard/server";
import { closeServer, listen } from "../../support/index.js";
import { runNamespaceAuthSuite } from "./namespace-auth-suite.js";

describe("new Server({ auth }): auth on every namespace", () => {
  runNamespaceAuthSuite(async (options) => {
    const http = createServer();
    const io = new Server(http, options);
    const { url } = await listen(http);
    return {
      url,
      io,
      close: async () => {
        await io.close();
        await closeServer(http);
      },
    };
  });
});
