import { describe } from "@jest/globals";
import { runChatSuite } from "./chat-suite.js";
import { chatVariants } from "./chat-variants.js";

// examples/chat, each variant (plain Node, Express, Fastify, NestJS) as its main.ts builds it.
describe.each(chatVariants)("examples/chat (%s variant)", (_name, start) => {
  runChatSuite(start);
});
