import createDebug from "debug";
import type { DefaultEventsMap, EventsMap, Packet } from "@switchboard/protocol";
import type { Adapter } from "./adapter/index.js";
import { Namespace } from "./namespace.js";
import type { Server } from "./server.js";
import type { BroadcastOptions, SocketId } from "./server-types.js";

const debug = createDebug("switchboard:server");

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Name matcher of a dynamic namespace: `next(null, true)` accepts `name`. */
export type ParentNspNameMatchFn = (name: string, auth: Record<string, unknown>, next: (err: Error | null, success: boolean) => void) => void;

/**
 * The namespace behind `io.of(/regex/)` or `io.of(fn)`: it owns no socket itself but creates a
 * child namespace for every accepted name. Its middlewares run for every child, its `connection`
 * listeners hear every child's sockets, and its broadcasts reach every child.
 *
 * @example
 * io.of(/^\/team-\d+$/).use(auth).on("connection", (socket) => socket.nsp.emit("joined", socket.id));
 */
export class ParentNamespace<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = DefaultEventsMap,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = any,
> extends Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
  private static count = 0;
  readonly children = new Set<Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();

  constructor(server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) {
    super(server, "/_" + ParentNamespace.count++);
  }

  /** The parent has no sockets of its own: its "adapter" fans every operation out to the children. */
  override _initAdapter(): void {
    this.adapter = new ChildrenAdapter(() => this.children) as unknown as Adapter;
  }

  /** Creates (and registers on the server) the child namespace for an accepted name. */
  createChild(name: string): Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    debug("creating child namespace %s", name);
    const child = new Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>(this.server, name);
    child._parent = this;
    this.children.add(child);
    if (this.server._opts.cleanupEmptyChildNamespaces) {
      const remove = child._remove.bind(child);
      child._remove = (socket) => {
        remove(socket);
        if (child.sockets.size === 0) {
          debug("closing empty child namespace %s", name);
          void Promise.resolve(child.adapter.close()).catch((err: Error) => debug("adapter close failed: %s", err.message));
          this.server._nsps.delete(child.name);
          this.children.delete(child);
        }
      };
    }
    this.server._nsps.set(name, child);
    this.server.sockets._emitNewNamespace(child);
    return child;
  }
}

type Children = () => Set<Namespace<any, any, any, any>>;

/** Fans the adapter operations of a parent namespace out to the adapters of its children. */
class ChildrenAdapter {
  // Empty, so code reading `adapter.rooms`/`adapter.sids` of a parent namespace still works.
  rooms = new Map<string, Set<SocketId>>();
  sids = new Map<SocketId, Set<string>>();

  constructor(private readonly children: Children) {}

  init(): void {}
  close(): void {}

  broadcast(packet: Packet, opts: BroadcastOptions): void {
    for (const nsp of this.children()) nsp.adapter.broadcast({ ...packet, data: [...(packet.data as unknown[])] }, opts);
  }

  broadcastWithAck(packet: Packet, opts: BroadcastOptions, clientCountCallback: (count: number) => void, ack: (...args: unknown[]) => void): void {
    // One "server" answer for all children together, so the operator's completeness check holds.
    let total = 0;
    for (const nsp of this.children()) {
      // The children's answers arrive through the callbacks, whatever the adapter returns.
      void nsp.adapter.broadcastWithAck({ ...packet, data: [...(packet.data as unknown[])] }, opts, (count: number) => (total += count), ack);
    }
    clientCountCallback(total);
  }

  serverCount(): Promise<number> {
    return Promise.resolve(1);
  }

  async sockets(rooms: Set<string>): Promise<Set<SocketId>> {
    const all = new Set<SocketId>();
    for (const nsp of this.children()) for (const id of await nsp.adapter.sockets(rooms)) all.add(id);
    return all;
  }

  socketRooms(): Set<string> | undefined {
    return undefined;
  }

  async fetchSockets(opts: BroadcastOptions): Promise<unknown[]> {
    const all: unknown[] = [];
    for (const nsp of this.children()) all.push(...((await nsp.adapter.fetchSockets(opts)) as unknown[]));
    return all;
  }

  addSockets(opts: BroadcastOptions, rooms: string[]): void {
    for (const nsp of this.children()) nsp.adapter.addSockets(opts, rooms);
  }

  delSockets(opts: BroadcastOptions, rooms: string[]): void {
    for (const nsp of this.children()) nsp.adapter.delSockets(opts, rooms);
  }

  disconnectSockets(opts: BroadcastOptions, close: boolean): void {
    for (const nsp of this.children()) nsp.adapter.disconnectSockets(opts, close);
  }

  serverSideEmit(packet: unknown[]): void {
    for (const nsp of this.children()) nsp.adapter.serverSideEmit(packet);
  }
}
