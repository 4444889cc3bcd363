import type { AddressInfo } from "node:net";
import { describe } from "@jest/globals";
import { runChatSuite } from "../auth/chat-suite.js";
import { createChatApp } from "../../../examples/chat/fastify/main.js";

describe("chat example on Fastify", () => {
  runChatSuite(async () => {
    const app = await createChatApp();
    await app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, io: app.io as never, close: () => app.close() };
  });
});
