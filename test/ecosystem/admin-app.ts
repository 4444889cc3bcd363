import { createServer } from "node:http";
import { instrument } from "@socket.io/admin-ui";
import { Server, type ServerOptions } from "@switchboard/server";
import { closeServer, listen } from "../support/index.js";

/** The admin UI's basic auth: a bcrypt hash (cost 4, fast to check) of {@link ADMIN_PASSWORD}. */
export const ADMIN_USER = "admin";
export const ADMIN_PASSWORD = "admin-ui-test-password";
export const ADMIN_PASSWORD_HASH = "$2a$04$wZgbSN5n12jDEZnUhEWBzu3Ujk9S0aLRKhV5UGVX6frYNENlfxRIG";

type InstrumentOptions = Parameters<typeof instrument>[1];

/** Our Server on loopback, instrumented by `@socket.io/admin-ui` as its README tells users to. */
export interface AdminApp {
  io: Server;
  url: string;
  close(): Promise<void>;
}

export async function startAdminApp(serverOptions: Partial<ServerOptions>, instrumentOptions: InstrumentOptions): Promise<AdminApp> {
  const http = createServer();
  const io = new Server(http, serverOptions);
  // Typed against socket.io's Server class, whose private members no other class can match: a
  // TypeScript user casts, as here; at run time our Server is all it needs.
  instrument(io as unknown as Parameters<typeof instrument>[0], instrumentOptions);
  const { url } = await listen(http);
  return {
    io,
    url,
    close: async () => {
      await io.close();
      await closeServer(http);
    },
  };
}
