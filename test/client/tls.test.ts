import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { Server as OfficialServer } from "socket.io";
import { Server as SwitchboardServer } from "@switchboard/server";
import { io } from "@switchboard/client";
import { once } from "../support/index.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const cert = fixture("cert.pem");
const key = fixture("key.pem");

const servers: Array<[string, new (http: any, opts: any) => any]> = [
  ["the official socket.io server", OfficialServer],
  ["@switchboard/server", SwitchboardServer],
];

describe.each(servers)("@switchboard/client over TLS against %s (Node TLS options)", (_name, Server) => {
  let https: ReturnType<typeof createServer>;
  let server: any;
  let url: string;

  beforeEach(async () => {
    https = createServer({ cert, key });
    server = new Server(https, {});
    server.on("connection", (s: any) => s.on("echo", (v: unknown, cb: (r: unknown) => void) => cb(v)));
    await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    https.closeAllConnections();
    await closed;
  });

  test.each([["polling"], ["websocket"]])("trusts the server through `ca` over %s", async (transport) => {
    const socket = io(url, { forceNew: true, transports: [transport], ca: cert, reconnection: false });
    try {
      await once(socket, "connect");
      expect(socket.io.engine.transport.name).toBe(transport);
      expect(await socket.emitWithAck("echo", "secure")).toBe("secure");
    } finally {
      socket.disconnect();
    }
  });

  test("refuses an unknown certificate by default, accepts it with rejectUnauthorized: false", async () => {
    const strict = io(url, { forceNew: true, transports: ["websocket"], reconnection: false });
    try {
      const [err] = await once<[Error]>(strict, "connect_error");
      expect(err).toBeInstanceOf(Error);
    } finally {
      strict.disconnect();
    }
    const lax = io(url, { forceNew: true, transports: ["websocket"], rejectUnauthorized: false, reconnection: false });
    try {
      await once(lax, "connect");
    } finally {
      lax.disconnect();
    }
  });
});
