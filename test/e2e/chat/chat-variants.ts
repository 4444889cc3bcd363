import "reflect-metadata";
import type { AddressInfo } from "node:net";
import type { Server as HttpServer } from "node:http";
import { createChatServer } from "../../../examples/chat/node/main.js";
import { createChatApp as createExpressChat } from "../../../examples/chat/express/main.js";
import { createChatApp as createFastifyChat } from "../../../examples/chat/fastify/main.js";
import { createChatApp as createNestChat } from "../../../examples/chat/nestjs/main.js";
import type { ChatOptions } from "../../../examples/chat/shared/chat-setup.js";
import { closeServer } from "../../support/index.js";

/** One variant of examples/chat, listening on loopback. */
export interface RunningChat {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts a variant as its main.ts does, on `port` (0: an ephemeral one; a known one: a restart). */
export type StartChat = (options?: ChatOptions, port?: number) => Promise<RunningChat>;

function running(server: HttpServer, close: () => Promise<void>): RunningChat {
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, close };
}

function listening(server: HttpServer, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
}

export const chatVariants: Array<[string, StartChat]> = [
  [
    "plain Node",
    async (options, port = 0) => {
      const { httpServer, io } = createChatServer(options);
      await listening(httpServer, port);
      return running(httpServer, async () => {
        await io.close();
        await closeServer(httpServer);
      });
    },
  ],
  [
    "Express",
    async (options, port = 0) => {
      const { app, io } = createExpressChat(options);
      const server = await new Promise<HttpServer>((resolve, reject) => {
        const server = app.listen(port, "127.0.0.1", (err?: Error) => (err ? reject(err) : resolve(server)));
      });
      return running(server, async () => {
        await io.close();
        await closeServer(server);
      });
    },
  ],
  [
    "Fastify",
    async (options, port = 0) => {
      const app = await createFastifyChat(options);
      await app.listen({ port, host: "127.0.0.1" });
      return running(app.server, () => app.close());
    },
  ],
  [
    "NestJS",
    async (options, port = 0) => {
      const app = await createNestChat(options);
      await app.listen(port, "127.0.0.1");
      return running(app.getHttpServer(), () => app.close());
    },
  ],
];
