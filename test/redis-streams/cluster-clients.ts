import { io as officialIo } from "socket.io-client";
import { io as switchboardIo } from "@switchboard/client";

export type ClientKind = "official" | "switchboard";

/** What the tests use of a client socket; both socket.io-client's and ours have it. */
interface ClientSocketLike {
  id: string | undefined;
  connected: boolean;
  recovered: boolean;
  io: { on(event: string, listener: (...args: unknown[]) => void): unknown };
  on(event: string, listener: (...args: never[]) => void): unknown;
  disconnect(): unknown;
}

/** A client that moves between the cluster's nodes and records everything it receives. */
export interface TrackedClient {
  kind: ClientKind;
  socket: ClientSocketLike;
  /** Index in the URL list of the node it first connected to. */
  home: number;
  /** Index of the node it is connected (or connecting) to. */
  current: number;
  /** The socket id of its first connection. */
  firstId: string;
  /** Every CONNECT, in order: the first one and each reconnection. */
  connects: Array<{ id: string; recovered: boolean; node: number; at: number }>;
  /** The numbers of the room broadcast ("seq") and of the `io.to(id)` sequence ("direct"), as received. */
  seq: number[];
  direct: number[];
  /** The count announced by the fence broadcast sent after the last number. */
  fence: number | undefined;
}

/**
 * Connects one client to `urls[home]`. It knows every node: each reconnection attempt goes to the
 * next URL of the list, so a client whose node died lands on a live one (a refused attempt moves on).
 */
export function trackedClient(kind: ClientKind, urls: string[], home: number, group: string): TrackedClient {
  const options = {
    forceNew: true,
    // Half the clients start on long-polling and upgrade, the others open a WebSocket directly.
    transports: kind === "official" ? ["polling", "websocket"] : ["websocket"],
    reconnectionDelay: 50,
    reconnectionDelayMax: 300,
    auth: { group },
  };
  const socket = (kind === "official" ? officialIo(urls[home], options) : switchboardIo(urls[home], options)) as unknown as ClientSocketLike;
  const client: TrackedClient = { kind, socket, home, current: home, firstId: "", connects: [], seq: [], direct: [], fence: undefined };
  socket.io.on("reconnect_attempt", () => {
    client.current = (client.current + 1) % urls.length;
    // Both Managers open their next Engine.IO connection on `uri`.
    (socket.io as unknown as { uri: string }).uri = urls[client.current]!;
  });
  socket.on("connect", () => {
    client.connects.push({ id: socket.id!, recovered: socket.recovered, node: client.current, at: Date.now() });
    if (!client.firstId) client.firstId = socket.id!;
  });
  // With connection state recovery the server appends the packet's offset: the number comes first.
  socket.on("seq", (n: number) => client.seq.push(n));
  socket.on("direct", (n: number) => client.direct.push(n));
  socket.on("fence", (count: number) => (client.fence = count));
  socket.on("ask", (...args: unknown[]) => (args[args.length - 1] as (id: string) => void)(client.firstId));
  return client;
}

/** How a received sequence differs from 0..count-1 received once each, in order. */
export function sequenceFaults(received: number[], count: number): { lost: number; duplicated: number; outOfOrder: number } {
  const seen = new Set<number>();
  let duplicated = 0;
  let outOfOrder = 0;
  let previous = -1;
  for (const n of received) {
    if (seen.has(n)) duplicated++;
    else if (n < previous) outOfOrder++;
    seen.add(n);
    previous = Math.max(previous, n);
  }
  let lost = 0;
  for (let n = 0; n < count; n++) if (!seen.has(n)) lost++;
  return { lost, duplicated, outOfOrder };
}
