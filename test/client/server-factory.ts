import { createServer, type Server as HttpServer } from "node:http";
import { closeServer, listen } from "../support/index.js";

/**
 * The server side as the client suite sees it: a Socket.IO-compatible `Server` (official or ours),
 * its URL, and a way to stop it and start it again on the same port (for reconnection tests).
 */
export interface ServerHandle {
  readonly io: any;
  readonly http: HttpServer;
  readonly url: string;
  readonly port: number;
  /** Stops the server and every connection, then listens again on the same port. */
  restart(): Promise<void>;
  /** Stops the server without restarting it. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** Builds a `Server` bound to an http server; `setup` (re)attaches the test's handlers. */
export type ServerConstructor = (http: HttpServer, opts: Record<string, unknown>) => any;

export interface ServerFactory {
  name: string;
  start(opts?: Record<string, unknown>, setup?: (io: any) => void): Promise<ServerHandle>;
}

export function serverFactory(name: string, construct: ServerConstructor): ServerFactory {
  return {
    name,
    async start(opts = {}, setup = () => {}) {
      let http = createServer();
      let io = construct(http, opts);
      setup(io);
      const { port, url } = await listen(http);
      let stopped = false;
      const stop = async () => {
        if (stopped) return;
        stopped = true;
        const closed = new Promise<void>((resolve) => io.close(() => resolve()));
        http.closeAllConnections();
        await closed;
        await closeServer(http);
      };
      return {
        get io() {
          return io;
        },
        get http() {
          return http;
        },
        url,
        port,
        stop,
        async restart() {
          await stop();
          http = createServer();
          io = construct(http, opts);
          setup(io);
          await new Promise<void>((resolve, reject) => {
            http.once("error", reject);
            http.listen(port, "127.0.0.1", () => resolve());
          });
          stopped = false;
        },
        close: stop,
      };
    },
  };
}
