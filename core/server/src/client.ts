import createDebug from "debug";
import { PacketType, type Packet } from "@switchboard/protocol";
import type { EventsMap, DefaultEventsMap } from "@switchboard/protocol";
import type { EngineConnection } from "./engine-contract.js";
import type { Server } from "./server.js";
import type { Namespace } from "./namespace.js";
import type { Socket } from "./socket.js";
import type { DecoderLike, DisconnectReason, WriteOptions } from "./server-types.js";

const debug = createDebug("switchboard:server");

function deliver(socket: { _onpacket(packet: Packet): void }, packet: Packet): void {
  socket._onpacket(packet);
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
  // One socket per namespace joined, nearly always a single one: a short array costs ~30 bytes
  // per connection where a Map costs ~240, and finding a namespace in it is as fast. Replaced,
  // never mutated (joins and leaves are rare), so it is exactly sized and safe to iterate.
  private sockets: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>[] = [];

  private readonly decoder: DecoderLike;
  private connectTimer: NodeJS.Timeout | undefined;
  private readonly onDataBound = (data: unknown) => this.ondata(data);
  private readonly onErrorBound = (err: Error) => this.onerror(err);
  private readonly onCloseBound = (reason: string, description?: unknown) =>
    this.onclose(reason as DisconnectReason, description);
  private readonly onDecodedBound = (packet: Packet) => this.ondecoded(packet);

  constructor(server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, conn: EngineConnection) {
    this.server = server;
    this.conn = conn;
    this.decoder = new server._parser.Decoder();
    this.decoder.on("decoded", this.onDecodedBound);
    conn.on("data", this.onDataBound);
    conn.on("error", this.onErrorBound);
    conn.on("close", this.onCloseBound);
    // A connection that never joins a namespace holds resources for nothing.
    this.connectTimer = setTimeout(() => {
      this.connectTimer = undefined;
      if (this.sockets.length === 0) {
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

  private socketOf(name: string): Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | undefined {
    for (const socket of this.sockets) if (socket.nsp.name === name) return socket;
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
  connect(name: string, auth: Record<string, unknown> = {}): void {
    if (this.server._nsps.has(name)) {
      this.doConnect(name, auth);
      return;
    }
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
    const nsp = this.server.of(name) as Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
    nsp._add(this, auth, (socket) => {
      this.sockets = this.sockets.concat([socket]);
      if (this.connectTimer) {
        clearTimeout(this.connectTimer);
        this.connectTimer = undefined;
      }
    });
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
      this.onclose("forced server close");
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
   * recipient). Volatile packets are dropped when the transport cannot take them right now.
   */
  writeToEngine(encodedPackets: unknown[] | unknown, opts: WriteOptions): void {
    if (opts.volatile && this.conn.transport.writable === false) {
      debug("volatile packet dropped: transport not writable");
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

  private ondata(data: unknown): void {
    try {
      this.decoder.add(data);
    } catch (err) {
      debug("invalid packet from %s: %s", this.conn.id, (err as Error).message);
      this.onerror(err as Error, "parse error");
    }
  }

  private ondecoded(packet: Packet): void {
    if (packet.type === PacketType.CONNECT) {
      const auth = packet.data && typeof packet.data === "object" ? (packet.data as Record<string, unknown>) : {};
      if (this.socketOf(packet.nsp)) {
        debug("socket already connected to %s", packet.nsp);
        return;
      }
      this.connect(packet.nsp, auth);
      return;
    }
    const socket = this.socketOf(packet.nsp);
    if (socket) {
      // Deferred so that a burst of packets in one payload is handled after the current one.
      process.nextTick(deliver, socket, packet);
    } else {
      debug("no socket for namespace %s, packet dropped", packet.nsp);
    }
  }

  /** Network or decoding error: every socket hears it, then the connection closes. */
  private onerror(err: Error, reason?: DisconnectReason): void {
    for (const socket of this.sockets) socket._onerror(err);
    if (reason) this.onclose(reason);
    this.conn.close();
  }

  private onclose(reason: DisconnectReason, description?: unknown): void {
    debug("client %s closed: %s", this.conn.id, reason);
    this.destroy();
    for (const socket of this.sockets) socket._onclose(reason, description);
    this.sockets = [];
    this.decoder.destroy();
  }

  private destroy(): void {
    this.conn.removeListener("data", this.onDataBound);
    this.conn.removeListener("error", this.onErrorBound);
    this.conn.removeListener("close", this.onCloseBound);
    if (this.decoder.off) this.decoder.off("decoded", this.onDecodedBound);
    else this.decoder.removeListener?.("decoded", this.onDecodedBound);
    if (this.connectTimer) {
      clearTimeout(this.connectTimer);
      this.connectTimer = undefined;
    }
  }
}
