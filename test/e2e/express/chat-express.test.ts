import type { AddressInfo } from "node:net";
import type { Server as HttpServer } from "node:http";
import { describe } from "@jest/globals";
import { runChatSuite } from "../auth/chat-suite.js";
import { createChatApp } from "../../../examples/chat/express/main.js";

describe("chat example on Express", () => {
  runChatSuite(async () => {
    const { app, io } = createChatApp();
    const server = await new Promise<HttpServer>((resolve) => {
      const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
    });
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, io: io as never, close: () => io.close() };
  });
});
