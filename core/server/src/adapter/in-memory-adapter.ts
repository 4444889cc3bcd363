import { EventEmitter } from "node:events";
import createDebug from "debug";
import type { EncodedPacket, Packet } from "@switchboard/protocol";
import { buildTextFrame } from "@switchboard/engine";
import type {
  AdapterNamespace,
  AdapterSocket,
  BroadcastOptions,
  PrivateSessionId,
  Room,
  Session,
  SessionToPersist,
  SocketId,
  WriteOptions,
} from "./adapter-types.js";

const debug = createDebug("switchboard:adapter");
const NO_SIDS: ReadonlySet<SocketId> = new Set();

/**
 * The in-memory adapter: which sockets are in which rooms, for one namespace of one process, and
 * the broadcasts that follow from it. Cluster adapters extend it and override the operations that
 * must reach other nodes. Its method names are those of `socket.io-adapter`, so adapters written
 * for socket.io plug in.
 *
 * @example
 * io.of("/").adapter.on("join-room", (room, id) => console.log(`${id} joined ${room}`));
 */
export class Adapter extends EventEmitter {
  readonly rooms = new Map<Room, Set<SocketId>>();
  readonly sids = new Map<SocketId, Set<Room>>();

  constructor(readonly nsp: AdapterNamespace) {
    super();
  }

  /** Called once the namespace is ready; cluster adapters subscribe here. */
  init(): Promise<void> | void {}

  /** Called when the server closes; cluster adapters unsubscribe here. */
  close(): Promise<void> | void {}

  /** How many server nodes share this namespace (1 in memory). */
  serverCount(): Promise<number> {
    return Promise.resolve(1);
  }

  /**
   * While a socket is in its own room alone, one Set stands for both its entry in `sids` and its
   * room's members in `rooms` (both hold just its id): one Set per connection instead of two.
   * Joining another room or leaving its own gives it a Set of its own first.
   */
  addAll(id: SocketId, rooms: Iterable<Room>): Promise<void> | void {
    let socketRooms = this.sids.get(id);
    for (const room of rooms) {
      if (socketRooms === undefined) {
        if (room === id && !this.rooms.has(id)) {
          socketRooms = new Set([id]);
          this.sids.set(id, socketRooms);
          this.rooms.set(id, socketRooms);
          this.emit("create-room", room);
          this.emit("join-room", room, id);
          continue;
        }
        socketRooms = new Set();
        this.sids.set(id, socketRooms);
      } else if (room !== id && socketRooms === this.rooms.get(id)) {
        socketRooms = this.unshare(id, socketRooms);
      }
      socketRooms.add(room);
      let members = this.rooms.get(room);
      if (!members) {
        members = new Set();
        this.rooms.set(room, members);
        this.emit("create-room", room);
      }
      if (!members.has(id)) {
        members.add(id);
        this.emit("join-room", room, id);
      }
    }
  }

  del(id: SocketId, room: Room): Promise<void> | void {
    const socketRooms = this.sids.get(id);
    if (socketRooms !== undefined) (socketRooms === this.rooms.get(id) ? this.unshare(id, socketRooms) : socketRooms).delete(room);
    this.removeFromRoom(room, id);
  }

  delAll(id: SocketId): void {
    const rooms = this.sids.get(id);
    if (!rooms) return;
    // A Set shared with its own room empties as the loop goes: iterate over a copy then.
    for (const room of rooms === this.rooms.get(id) ? [...rooms] : rooms) this.removeFromRoom(room, id);
    this.sids.delete(id);
  }

  /** Gives socket `id` a Set of its own, instead of the one it shares with its own room. */
  private unshare(id: SocketId, shared: Set<Room>): Set<Room> {
    const own = new Set(shared);
    this.sids.set(id, own);
    return own;
  }

  private removeFromRoom(room: Room, id: SocketId): void {
    const members = this.rooms.get(room);
    if (!members) return;
    if (members.delete(id)) this.emit("leave-room", room, id);
    if (members.size === 0 && this.rooms.delete(room)) this.emit("delete-room", room);
  }

  /** Sends a packet to every matching socket, encoded once for all of them. */
  broadcast(packet: Packet, opts: BroadcastOptions): void {
    const writeOptions = this.writeOptionsOf(opts);
    packet.nsp = this.nsp.name;
    // Built only when someone reads the logs: the broadcast path is hot.
    if (debug.enabled)
      debug("broadcast %j in %s to rooms %j except %j", (packet.data as unknown[] | undefined)?.[0], this.nsp.name, [...opts.rooms], [...(opts.except ?? [])]);
    const encoded = this.encode(packet, writeOptions);
    this.apply(opts, (socket) => {
      socket.notifyOutgoingListeners(packet);
      socket.client.writeToEngine(encoded, writeOptions);
    });
  }

  /**
   * Like {@link broadcast}, with one ack id shared by every recipient. `clientCountCallback`
   * learns how many acks to expect (called once per node); `ack` receives each of them. A cluster
   * adapter that knows which nodes will report returns how many (itself included); otherwise the
   * caller counts on `serverCount()`.
   */
  broadcastWithAck(
    packet: Packet,
    opts: BroadcastOptions,
    clientCountCallback: (clientCount: number) => void,
    ack: (...args: unknown[]) => void,
  ): Promise<number> | void {
    const writeOptions = this.writeOptionsOf(opts);
    packet.nsp = this.nsp.name;
    const id = this.nsp._ids++;
    packet.id = id;
    const encoded = this.encode(packet, writeOptions);
    let clientCount = 0;
    const timeout = opts.flags?.timeout;
    const waiting: Array<{ acks: Map<number, unknown> }> | undefined = timeout === undefined ? undefined : [];
    this.apply(opts, (socket) => {
      clientCount++;
      socket.acks.set(id, ack);
      waiting?.push(socket);
      socket.notifyOutgoingListeners(packet);
      socket.client.writeToEngine(encoded, writeOptions);
    });
    clientCountCallback(clientCount);
    if (waiting !== undefined && waiting.length > 0) {
      // Once the broadcast has timed out, a client that never answered holds no callback for it.
      const forget = setTimeout(() => {
        for (const socket of waiting) if (socket.acks.get(id) === ack) socket.acks.delete(id);
      }, timeout);
      forget.unref();
    }
  }

  /** Ids of the sockets in any of `rooms` (every socket when empty). */
  sockets(rooms: Set<Room>): Promise<Set<SocketId>> {
    const ids = new Set<SocketId>();
    this.apply({ rooms }, (socket) => ids.add(socket.id));
    return Promise.resolve(ids);
  }

  socketRooms(id: SocketId): Set<Room> | undefined {
    return this.sids.get(id);
  }

  fetchSockets(opts: BroadcastOptions): Promise<AdapterSocket[]> {
    const sockets: AdapterSocket[] = [];
    this.apply(opts, (socket) => sockets.push(socket));
    return Promise.resolve(sockets);
  }

  addSockets(opts: BroadcastOptions, rooms: Room[]): void {
    this.apply(opts, (socket) => void socket.join(rooms));
  }

  delSockets(opts: BroadcastOptions, rooms: Room[]): void {
    this.apply(opts, (socket) => {
      for (const room of rooms) void socket.leave(room);
    });
  }

  disconnectSockets(opts: BroadcastOptions, close: boolean): void {
    this.apply(opts, (socket) => socket.disconnect(close));
  }

  /** Other nodes only exist in cluster adapters. */
  serverSideEmit(_packet: unknown[]): void {
    const error = new Error("this adapter does not support the serverSideEmit() functionality") as Error & { code: string };
    error.code = "ADAPTER_NO_CLUSTER";
    throw error;
  }

  /** Sessions are kept only by adapters that support connection state recovery. */
  persistSession(_session: SessionToPersist): Promise<void> | void {}

  /**
   * A socket with a recoverable session (connection state recovery) was let in: it has joined its
   * rooms, and its missed packets and CONNECT are about to be sent. Cluster adapters keep its
   * session from here on, so that it outlives a crash of this node. For a restored socket, they
   * return what reached the session after `restoreSession` answered (sent after the missed packets).
   */
  sessionConnected(_socket: AdapterSocket, _pid: PrivateSessionId): unknown[][] | void {}

  restoreSession(_pid: PrivateSessionId, _offset: string): Promise<Session | null> {
    return Promise.resolve(null);
  }

  /** Calls `callback` once for each connected socket the options select. */
  protected apply(opts: BroadcastOptions, callback: (socket: AdapterSocket) => void): void {
    const { rooms } = opts;
    const except = this.computeExceptSids(opts.except);
    const sockets = this.nsp.sockets;
    if (rooms.size === 0) {
      if (except.size === 0) {
        // Everyone: the namespace's sockets are exactly the connected ones with rooms here (each
        // is in its own room), and walking them spares a lookup by id for every recipient.
        for (const socket of sockets.values()) callback(socket);
        return;
      }
      for (const id of this.sids.keys()) {
        if (except.has(id)) continue;
        const socket = sockets.get(id);
        if (socket) callback(socket);
      }
      return;
    }
    if (rooms.size === 1) {
      // One room needs no de-duplication: skip the per-broadcast Set.
      const [room] = rooms;
      const members = this.rooms.get(room);
      if (!members) return;
      for (const id of members) {
        if (except.has(id)) continue;
        const socket = sockets.get(id);
        if (socket) callback(socket);
      }
      return;
    }
    const seen = new Set<SocketId>();
    for (const room of rooms) {
      const members = this.rooms.get(room);
      if (!members) continue;
      for (const id of members) {
        if (seen.has(id) || except.has(id)) continue;
        seen.add(id);
        const socket = sockets.get(id);
        if (socket) callback(socket);
      }
    }
  }

  protected computeExceptSids(exceptRooms: Set<Room> | undefined): ReadonlySet<SocketId> {
    if (!exceptRooms || exceptRooms.size === 0) return NO_SIDS;
    const sids = new Set<SocketId>();
    for (const room of exceptRooms) {
      const members = this.rooms.get(room);
      if (members) for (const id of members) sids.add(id);
    }
    return sids;
  }

  private writeOptionsOf(opts: BroadcastOptions): WriteOptions {
    const flags = opts.flags ?? {};
    return { preEncoded: true, volatile: flags.volatile, compress: flags.compress };
  }

  /** Encodes once; a text-only packet also gets its WebSocket bytes built once for every recipient. */
  protected encode(packet: Packet, writeOptions: WriteOptions): EncodedPacket {
    const encoded = this.nsp.server.encoder.encode(packet);
    if (encoded.length === 1 && typeof encoded[0] === "string") {
      const bytes = Buffer.from("4" + encoded[0]);
      writeOptions.wsPreEncoded = bytes;
      // The transports use the frame only while permessage-deflate is off, else `wsPreEncoded`.
      // An array of Buffers, as engine.io's WebSocket transport (and ours) take it: a bound engine.io works too.
      writeOptions.wsPreEncodedFrame = [buildTextFrame(bytes)];
    }
    debug("broadcast in %s encoded as %d part(s)", this.nsp.name, encoded.length);
    return encoded;
  }
}
