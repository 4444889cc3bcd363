import { createServer, connect, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A TCP proxy on a loopback port in front of another port: what a process in this test sees of a
 * server (Redis) can be frozen (connections stay open, nothing moves: a hung peer) or cut
 * (connections closed, new ones refused: a dead peer), without touching the server.
 */
export interface TcpProxy {
  readonly port: number;
  /** Stops every byte in both directions; connections stay open. */
  freeze(): void;
  /** Lets bytes flow again after `freeze()`. */
  thaw(): void;
  /** Closes every connection (what they held in flight is lost) and lets new ones through, unfrozen. */
  drop(): void;
  /** Closes every connection and refuses new ones. */
  cut(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let frozen = false;
  let cut = false;
  const server: Server = createServer((client) => {
    if (cut) return void client.destroy();
    const upstream = connect(targetPort, targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    if (frozen) for (const socket of pair) socket.pause();
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const destroyAll = () => {
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  const closeServer = () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  const proxy: TcpProxy = {
    port,
    freeze: () => {
      frozen = true;
      for (const pair of pairs) for (const socket of pair) socket.pause();
    },
    thaw: () => {
      frozen = false;
      for (const pair of pairs) for (const socket of pair) socket.resume();
    },
    drop: () => {
      frozen = false;
      destroyAll();
    },
    cut: async () => {
      cut = true;
      destroyAll();
      await closeServer();
    },
    close: () => proxy.cut(),
  };
  return proxy;
}
