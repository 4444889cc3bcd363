import cluster, { type Worker } from "node:cluster";
import type { Server as HttpServer } from "node:http";
import { createServer, type Server as NetServer, type Socket } from "node:net";
import createDebug from "debug";

const debug = createDebug("switchboard:redis:sticky");
const MESSAGE_TYPE = "switchboard:sticky-connection";
/** Session ids made by a worker start with its cluster id and this separator (`3~Hk2...`). */
const SEPARATOR = "~";
const WORKER_PREFIX = /^(\d{1,15})~/;

interface StickyMessage {
  type: typeof MESSAGE_TYPE;
  /** The bytes the primary read to choose the worker (base64). */
  data: string;
}

/**
 * The worker a request belongs to: the one whose id prefixes the `sid` of its request line. The
 * query is read as the engine reads it (`URLSearchParams`: percent-encoding decoded, the last `sid`
 * wins), so `sid=3~Hk2` and `sid=3%7EHk2` (what a client building its query with URLSearchParams
 * sends) both belong to worker 3. Malformed input gives `undefined`, never a throw.
 *
 * @example
 * workerIdOfRequest("GET /socket.io/?EIO=4&transport=polling&sid=3%7EHk2 HTTP/1.1\r\n") // 3
 */
export function workerIdOfRequest(head: string): number | undefined {
  const lineEnd = head.indexOf("\r\n");
  const requestLine = lineEnd === -1 ? head : head.slice(0, lineEnd);
  // "METHOD SP request-target SP HTTP-version": the target holds no space.
  const target = requestLine.split(" ")[1];
  const q = target?.indexOf("?") ?? -1;
  if (target === undefined || q === -1) return undefined;
  let sid: string | undefined;
  for (const [key, value] of new URLSearchParams(target.slice(q + 1))) if (key === "sid") sid = value;
  const match = sid === undefined ? null : WORKER_PREFIX.exec(sid);
  if (!match) return undefined;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) ? id : undefined;
}

export interface StickyPrimaryOptions {
  port: number;
  host?: string;
}

/**
 * Runs in the cluster primary: listens on the shared port and hands each TCP connection to a
 * worker. A request carrying a session id (`sid=` in its URL) goes to the worker that created
 * that session, so HTTP long-polling works with several processes; a handshake goes round-robin.
 *
 * @example
 * if (cluster.isPrimary) { for (let i = 0; i < 4; i++) cluster.fork(); setupPrimary({ port: 3000 }); }
 * else { const { httpServer, io } = createChatServer(); setupWorker(httpServer, io); }
 */
export function setupPrimary(opts: StickyPrimaryOptions): NetServer {
  let next = 0;
  const liveWorkers = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && w.isConnected());
  const server = createServer({ pauseOnConnect: true }, (socket: Socket) => {
    socket.once("error", (err) => debug("connection error before hand-over: %s", err.message));
    socket.once("data", (first: Buffer) => {
      socket.pause();
      // pause() only stops "data" events: libuv keeps reading into this process's buffer until the
      // handle is sent, and those bytes (a CONNECT right after the handshake) would be lost. Stop
      // the handle's reads now (75k-client bench: 13 handshakes lost without this, 0 with it).
      (socket as unknown as { _handle?: { readStop?(): number } })._handle?.readStop?.();
      // Bytes already buffered here would not follow the handle to the worker: send them along.
      const rest = socket.read() as Buffer | null;
      const chunk = rest ? Buffer.concat([first, rest]) : first;
      const workers = liveWorkers();
      if (workers.length === 0) return void socket.destroy();
      const id = workerIdOfRequest(chunk.toString("latin1"));
      const owner = id === undefined ? undefined : cluster.workers?.[id];
      const worker = owner && owner.isConnected() ? owner : workers[next++ % workers.length];
      const message: StickyMessage = { type: MESSAGE_TYPE, data: chunk.toString("base64") };
      worker.send(message, socket, { keepOpen: false }, (err) => {
        if (err) {
          debug("hand-over to worker %d failed: %s", worker.id, err.message);
          socket.destroy();
        }
      });
    });
    socket.resume();
  });
  server.listen(opts.port, opts.host);
  return server;
}

/** What `setupWorker` needs from the Switchboard server: its engine, to prefix session ids. */
export interface StickyWorkerServer {
  readonly engine: { generateId(req: unknown): string | PromiseLike<string> } | undefined;
}

/**
 * Runs in each worker: accepts the connections the primary hands over and makes this worker's
 * session ids start with its cluster id. The HTTP server must not listen itself.
 */
export function setupWorker(httpServer: HttpServer, io: StickyWorkerServer): void {
  const workerId = cluster.worker?.id;
  if (workerId === undefined) throw Object.assign(new Error("setupWorker() must run in a cluster worker"), { code: "STICKY_NOT_A_WORKER" });
  const engine = io.engine;
  if (!engine) throw Object.assign(new Error("attach the Switchboard server to the HTTP server first"), { code: "STICKY_NO_ENGINE" });
  const generate = engine.generateId.bind(engine);
  engine.generateId = async (req: unknown) => `${workerId}${SEPARATOR}${await generate(req)}`;
  // A kept-alive connection stays with this worker, but a client (a browser, Node's keep-alive
  // agent) may send another session's request on it: one request per connection lets the primary
  // route each one. Set on the server, not in a "request" listener, which would run after the
  // engine's and miss the polls it answers at once (their "Connection: keep-alive" already written).
  httpServer.maxRequestsPerSocket = 1;
  process.on("message", (message: StickyMessage, socket?: Socket) => {
    if (message?.type !== MESSAGE_TYPE || !socket) return;
    httpServer.emit("connection", socket);
    socket.unshift(Buffer.from(message.data, "base64"));
    socket.resume();
  });
}
