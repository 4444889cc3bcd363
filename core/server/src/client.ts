import createDebug from "debug";
import { Decoder, PacketType, decodeTextPacket, type Packet } from "@switchboard/protocol";
import type { EventsMap, DefaultEventsMap } from "@switchboard/protocol";
import type { EngineConnection } from "./engine-contract.js";
import type { EngineSocketSink } from "@switchboard/engine";
import type { Server } from "./server.js";
import type { Socket } from "./socket.js";
import { NO_AUTH } from "./handshake.js";
import type { DecoderLike, DisconnectReason, WriteOptions } from "./server-types.js";

const debug = createDebug("switchboard:server");

const CLIENT = Symbol("switchboard.client");
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Carrier = { [CLIENT]: Client<any, any, any, any> };

function onData(this: Carrier, data: unknown): void {
  this[CLIENT]._ondata(data);
}

function onError(this: Carrier, err: Error): void {
  this[CLIENT]._onerror(err);
}

function onClose(this: Carrier, reason: string, description?: unknown): void {
  this[CLIENT]._onclose(reason as DisconnectReason, description);
}

/** Whether `conn` is a session of our engine, which takes its Socket.IO layer as `sink` (engine.io's are listened to). */
function isOwnEngineSocket(conn: EngineConnection): conn is EngineConnection & { sink: EngineSocketSink | null } {
  return "sink" in conn;
}

function isList<T>(value: T | readonly T[]): value is readonly T[] {
  return Array.isArray(value);
}

function rethrow(err: unknown): never {
  throw err;
}

/**
 * A Socket.IO v2 client (Engine.IO v3) sends no auth: its CONNECT names the namespace with the
 * client's `query` appended (`/chat?token=abc`), which becomes the auth, as socket.io 4 does.
 */
function parseV2Namespace(nsp: string): { name: string; auth: Record<string, unknown> } {
  const q = nsp.indexOf("?");
  if (q === -1) return { name: nsp, auth: {} };
  return { name: nsp.slice(0, q), auth: Object.fromEntries(new URLSearchParams(nsp.slice(q + 1))) };
}

/**
 * One engine connection, multiplexing one socket per namespace it joined. Decodes incoming
 * packets, routes them to the namespace's socket, and writes outgoing ones to the engine.
 * Created by `Server.onconnection`; user code meets it as `socket.client`.
 *
 * @example
 * io.on("connection", (socket) => console.log(socket.client.conn.transport.name));
 */
export class Client<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = any, // eslint-disable-line @typescript-eslint/no-explicit-any
> {
  readonly conn: EngineConnection;
  readonly server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  // One socket per namespace joined, nearly always a single one: kept as is (an array of one
  // would cost ~56 bytes per connection more), an array past one. Replaced, never mutated (joins
  // and leaves are rare), so it is safe to iterate.
  private joined:
    Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | readonly Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>[] | undefined;

  /**
   * Created by the first frame that needs one: with the built-in parser, only a binary packet
   * (text frames decode without state), so most connections never hold one.
   */
  private decoder: DecoderLike | undefined;
  private connectTimer: NodeJS.Timeout | undefined;
  /** Sockets whose emit returned false, told when the connection drains (created only then). */
  private drainWaiters: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>[] | undefined;
  // A closure: a custom parser's decoder may not call its listeners with itself as `this`.
  private onDecodedBound: ((packet: Packet) => void) | undefined;

  constructor(server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, conn: EngineConnection) {
    this.server = server;
    this.conn = conn;
    if (isOwnEngineSocket(conn)) {
      // Our engine calls its Socket.IO layer directly: no listeners on the connection.
      conn.sink = this;
    } else {
      // Listeners shared by every connection find their client through the connection (`this` of
      // an EventEmitter's listener): three closures per connection would cost more than a property.
      (conn as unknown as Carrier)[CLIENT] = this;
      conn.on("data", onData);
      conn.on("error", onError);
      conn.on("close", onClose);
    }
    // A connection that never joins a namespace holds resources for nothing.
    this.connectTimer = setTimeout(() => {
      this.connectTimer = undefined;
      if (this.joined === undefined) {
        debug("no namespace joined within connectTimeout, closing %s", conn.id);
        this.close();
      }
    }, server._connectTimeout);
    this.connectTimer.unref?.();
  }

  /** Sockets of this connection by namespace name (a snapshot). */
  get nsps(): Map<string, Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>> {
    return new Map(this.sockets.map((socket) => [socket.nsp.name, socket]));
  }

  /** The sockets of this connection, one per namespace joined. */
  private get sockets(): readonly Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>[] {
    const joined = this.joined;
    return joined === undefined ? [] : isList(joined) ? joined : [joined];
  }

  private set sockets(sockets: readonly Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>[]) {
    this.joined = sockets.length === 0 ? undefined : sockets.length === 1 ? sockets[0] : sockets;
  }

  private socketOf(name: string): Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | undefined {
    const joined = this.joined;
    if (joined === undefined) return undefined;
    if (!isList(joined)) return joined.nsp.name === name ? joined : undefined;
    for (const socket of joined) if (socket.nsp.name === name) return socket;
    return undefined;
  }

  /** The engine connection id (also the `sid` of HTTP requests). */
  get id(): string {
    return this.conn.id;
  }

  /** The HTTP request that opened the connection. */
  get request() {
    return this.conn.request;
  }

  /** Joins a namespace, creating a dynamic one if a parent namespace accepts the name. */
  connect(name: string, auth: Record<string, unknown> = NO_AUTH): void {
    if (this.server._nsps.has(name)) {
      this.doConnect(name, auth);
      return;
    }
    // A parent namespace's function may write to the auth it is given: never the shared empty one.
    if (auth === NO_AUTH) auth = {};
    this.server._checkNamespace(name, auth, (nsp) => {
      if (nsp) {
        this.doConnect(name, auth);
      } else {
        debug("invalid namespace %s", name);
        this._packet({ type: PacketType.CONNECT_ERROR, nsp: name, data: { message: "Invalid namespace" } });
      }
    });
  }

  private doConnect(name: string, auth: Record<string, unknown>): void {
    const nsp = this.server.of(name);
    nsp
      ._add(this, auth, (socket) => {
        this.sockets = [...this.sockets, socket];
        if (this.connectTimer) {
          clearTimeout(this.connectTimer);
          this.connectTimer = undefined;
        }
      })
      .catch((err: Error) => debug("socket on %s not created: %s", name, err.message));
  }

  /** Disconnects every socket of this connection, then closes it. */
  _disconnect(): void {
    for (const socket of this.sockets) socket.disconnect();
    this.sockets = [];
    this.close();
  }

  /** Forgets a socket that left its namespace. */
  _remove(socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void {
    if (this.sockets.includes(socket)) {
      this.sockets = this.sockets.filter((s) => s !== socket);
    } else {
      debug("ignoring remove for %s", socket.id);
    }
  }

  /** Closes the engine connection. */
  close(): void {
    if (this.conn.readyState === "open") {
      this.conn.close();
      this._onclose("forced server close");
    }
  }

  /** Encodes a packet (unless `preEncoded`) and writes it to the engine. */
  _packet(packet: Packet | unknown[], opts: WriteOptions = {}): void {
    if (this.conn.readyState !== "open") {
      debug("ignoring packet write on a closed connection");
      return;
    }
    const encoded = opts.preEncoded ? (packet as unknown[]) : this.server.encoder.encode(packet as Packet);
    this.writeToEngine(encoded, opts);
  }

  /**
   * Writes already encoded packets (the adapter encodes a broadcast once and calls this for every
   * recipient). A volatile packet is dropped when the connection is busy: the transport cannot
   * take a write now, or something was written to it earlier in this event-loop turn (at once, or
   * waiting for the turn's flush; engine.io writes at once, and the first write leaves its
   * transport busy until it drains). The decision is taken once for all the parts of a binary packet.
   */
  writeToEngine(encodedPackets: unknown, opts: WriteOptions): void {
    if (opts.volatile && (this.conn.transport.writable === false || (this.conn.writeBuffer?.length ?? 0) > 0 || this.conn.wroteThisTurn === true)) {
      debug("volatile packet dropped: connection busy");
      return;
    }
    if (this.conn.readyState !== "open") return;
    // The options object goes down as is: a broadcast shares one object across all recipients.
    if (Array.isArray(encodedPackets)) {
      for (const encoded of encodedPackets) this.conn.write(encoded as string, opts);
    } else {
      this.conn.write(encodedPackets as string, opts);
    }
  }

  /** Flow control: `socket` waits for `drain`; the first waiter starts listening to the connection. */
  _awaitDrain(socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): void {
    if (this.drainWaiters === undefined) {
      this.drainWaiters = [socket];
      this.conn.once("belowHighWaterMark", () => this.ondrain());
    } else if (!this.drainWaiters.includes(socket)) {
      this.drainWaiters.push(socket);
    }
  }

  private ondrain(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = undefined;
    if (waiters) for (const socket of waiters) socket._ondrain();
  }

  /** @internal */
  _ondata(data: unknown): void {
    try {
      if (this.decoder === undefined && typeof data === "string" && this.server._parser.Decoder === Decoder) {
        const packet = decodeTextPacket(data);
        if (packet.type !== PacketType.BINARY_EVENT && packet.type !== PacketType.BINARY_ACK) {
          this._ondecoded(packet);
          return;
        }
      }
      (this.decoder ?? this.createDecoder()).add(data);
    } catch (err) {
      debug("invalid packet from %s: %s", this.conn.id, (err as Error).message);
      this._onerror(err as Error, "parse error");
    }
  }

  private createDecoder(): DecoderLike {
    const decoder = new this.server._parser.Decoder();
    const onDecoded = (packet: Packet) => this._ondecoded(packet);
    decoder.on("decoded", onDecoded);
    this.decoder = decoder;
    this.onDecodedBound = onDecoded;
    return decoder;
  }

  /** @internal */
  _ondecoded(packet: Packet): void {
    const type = packet.type;
    const name = this.conn.protocol === 3 && type === PacketType.CONNECT ? parseV2Namespace(packet.nsp).name : packet.nsp;
    const socket = this.socketOf(name);
    if (!socket && type === PacketType.CONNECT) {
      const auth = this.conn.protocol === 3 ? parseV2Namespace(packet.nsp).auth : (packet.data as unknown);
      this.connect(name, auth && typeof auth === "object" ? (auth as Record<string, unknown>) : NO_AUTH);
    } else if (socket && type !== PacketType.CONNECT && type !== PacketType.CONNECT_ERROR) {
      // Handled now, in arrival order (packets of one payload one after the other). A listener
      // that throws must not pass for a parse error of this connection (the decoder's caller
      // would close it) nor unwind the transport's reader: its error surfaces on the next tick.
      try {
        socket._onpacket(packet);
      } catch (err) {
        process.nextTick(rethrow, err);
      }
    } else {
      // A second CONNECT, a packet for a namespace not joined, a CONNECT_ERROR from a client:
      // a client that does this is broken, and socket.io closes its connection too.
      debug("invalid state (packet type %d for namespace %s), closing %s", packet.type, name, this.conn.id);
      this.close();
    }
  }

  /** @internal Network or decoding error: every socket hears it, then the connection closes. */
  _onerror(err: Error, reason?: DisconnectReason): void {
    for (const socket of this.sockets) socket._onerror(err);
    if (reason) this._onclose(reason);
    this.conn.close();
  }

  /** @internal */
  _onclose(reason: DisconnectReason, description?: unknown): void {
    debug("client %s closed: %s", this.conn.id, reason);
    this.destroy();
    for (const socket of this.sockets) socket._onclose(reason, description);
    this.sockets = [];
    this.decoder?.destroy();
  }

  private destroy(): void {
    const conn = this.conn;
    if (isOwnEngineSocket(conn)) {
      if (conn.sink === this) conn.sink = null;
    } else {
      conn.removeListener("data", onData);
      conn.removeListener("error", onError);
      conn.removeListener("close", onClose);
    }
    const { decoder, onDecodedBound } = this;
    if (decoder !== undefined && onDecodedBound !== undefined) {
      if (decoder.off) decoder.off("decoded", onDecodedBound);
      else decoder.removeListener?.("decoded", onDecodedBound);
    }
    if (this.connectTimer) {
      clearTimeout(this.connectTimer);
      this.connectTimer = undefined;
    }
  }
}
