import { PacketType, type Packet } from "@switchboard/protocol";
import type {
  AllButLast,
  DecorateAcknowledgementsWithTimeoutAndMultipleResponses,
  DefaultEventsMap,
  EventNames,
  EventNamesWithAck,
  EventParams,
  EventsMap,
  FirstNonErrorArg,
  Last,
} from "@switchboard/protocol";
import type { Adapter } from "./adapter/index.js";
import { RemoteSocket, type SocketDetails } from "./remote-socket.js";
import { assertNotReserved } from "./server-errors.js";
import type { BroadcastFlags, Room, SocketId } from "./server-types.js";
import type { Socket } from "./socket.js";
import { SOCKET_RESERVED_EVENTS } from "./socket-listeners.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * An immutable selection of recipients (rooms, exclusions, flags). Every modifier returns a new
 * operator, so `io.to("a")` can be kept and reused. `emit` hands one packet to the adapter, which
 * encodes it once for every recipient.
 *
 * @example
 * io.to("room1").except("room2").timeout(1000).emit("question", (err, answers) => {});
 */
export class BroadcastOperator<EmitEvents extends EventsMap = DefaultEventsMap, SocketData = any> {
  constructor(
    private readonly adapter: Adapter,
    private readonly rooms: Set<Room> = new Set(),
    private readonly exceptRooms: Set<Room> = new Set(),
    private readonly flags: BroadcastFlags & { expectSingleResponse?: boolean } = {},
  ) {}

  /** Targets a room, or several (union). */
  to(room: Room | Room[]): BroadcastOperator<EmitEvents, SocketData> {
    const rooms = new Set(this.rooms);
    if (Array.isArray(room)) for (const r of room) rooms.add(r);
    else rooms.add(room);
    return new BroadcastOperator(this.adapter, rooms, this.exceptRooms, this.flags);
  }

  /** Same as `to`. */
  in(room: Room | Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.to(room);
  }

  /** Excludes the sockets of a room, or several. */
  except(room: Room | Room[]): BroadcastOperator<EmitEvents, SocketData> {
    const exceptRooms = new Set(this.exceptRooms);
    if (Array.isArray(room)) for (const r of room) exceptRooms.add(r);
    else exceptRooms.add(room);
    return new BroadcastOperator(this.adapter, this.rooms, exceptRooms, this.flags);
  }

  compress(compress: boolean): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator(this.adapter, this.rooms, this.exceptRooms, { ...this.flags, compress });
  }

  /** The packet may be dropped for clients that cannot receive it right now. */
  get volatile(): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator(this.adapter, this.rooms, this.exceptRooms, { ...this.flags, volatile: true });
  }

  /** Only the sockets of this server node (matters with a multi-node adapter). */
  get local(): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator(this.adapter, this.rooms, this.exceptRooms, { ...this.flags, local: true });
  }

  /** Acks are collected from every recipient, and fail after `timeout` ms. */
  timeout(timeout: number): BroadcastOperator<DecorateAcknowledgementsWithTimeoutAndMultipleResponses<EmitEvents>, SocketData> {
    return new BroadcastOperator(this.adapter, this.rooms, this.exceptRooms, { ...this.flags, timeout });
  }

  /**
   * Emits to every selected socket. With a callback as last argument, it receives
   * `(err, responses)` once every recipient acknowledged (or the timeout fired).
   */
  emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: EventParams<EmitEvents, Ev>): boolean {
    assertNotReserved(ev, SOCKET_RESERVED_EVENTS);
    const data: unknown[] = [ev, ...args];
    const packet: Packet = { type: PacketType.EVENT, nsp: "/", data };
    const opts = { rooms: this.rooms, except: this.exceptRooms, flags: this.flags };
    if (typeof data[data.length - 1] !== "function") {
      this.adapter.broadcast(packet, opts);
      return true;
    }
    const ack = data.pop() as (...a: unknown[]) => void;
    const single = this.flags.expectSingleResponse === true;
    const responses: unknown[] = [];
    let done = false;
    let expectedServers = -1;
    let answeredServers = 0;
    let expectedClients = 0;
    let timer: NodeJS.Timeout | undefined;
    const check = () => {
      if (done || expectedServers !== answeredServers || responses.length !== expectedClients) return;
      done = true;
      if (timer) clearTimeout(timer);
      ack.call(this, null, single ? responses[0] : responses);
    };
    const servers = this.adapter.broadcastWithAck(
      packet,
      opts,
      (clientCount: number) => {
        expectedClients += clientCount;
        answeredServers++;
        check();
      },
      (response: unknown) => {
        responses.push(response);
        check();
      },
    );
    // Armed after the adapter's own timer for the same delay (it forgets the unanswered acks), so
    // that by the time the caller hears of the timeout, nothing is left behind.
    if (this.flags.timeout !== undefined) {
      timer = setTimeout(() => {
        done = true;
        ack.call(this, new Error("operation has timed out"), single ? null : responses);
      }, this.flags.timeout);
    }
    // The adapter may know which nodes will report (a cluster adapter that tracks its live peers).
    void Promise.resolve(servers ?? this.adapter.serverCount()).then(
      (count: number) => {
        expectedServers = count;
        check();
      },
      (err: Error) => {
        done = true;
        if (timer) clearTimeout(timer);
        ack.call(this, err, single ? null : responses);
      },
    );
    return true;
  }

  /** Emits and resolves with every recipient's acknowledgement. */
  emitWithAck<Ev extends EventNamesWithAck<EmitEvents>>(
    ev: Ev,
    ...args: AllButLast<EventParams<EmitEvents, Ev>>
  ): Promise<FirstNonErrorArg<Last<EventParams<EmitEvents, Ev>>>> {
    return new Promise((resolve, reject) => {
      // A timeout rejects with the answers that did arrive, on `err.responses` (as socket.io does).
      const cb = (err: Error | null, responses: FirstNonErrorArg<Last<EventParams<EmitEvents, Ev>>>) =>
        err ? reject(Object.assign(err, { responses })) : resolve(responses);
      (this.emit as (ev: string, ...a: unknown[]) => boolean)(ev as string, ...args, cb);
    });
  }

  /** The ids of the selected sockets. */
  async allSockets(): Promise<Set<SocketId>> {
    const ids = await this.adapter.sockets(this.rooms);
    if (this.exceptRooms.size === 0) return ids;
    for (const id of await this.adapter.sockets(this.exceptRooms)) ids.delete(id);
    return ids;
  }

  /** The selected sockets: local `Socket`s, or `RemoteSocket`s from other nodes. */
  async fetchSockets(): Promise<Array<Socket<any, EmitEvents, any, SocketData> | RemoteSocket<EmitEvents, SocketData>>> {
    const sockets = (await this.adapter.fetchSockets({
      rooms: this.rooms,
      except: this.exceptRooms,
      flags: this.flags,
    })) as unknown[];
    return sockets.map((s) => {
      if (isLocalSocket(s)) return s as Socket<any, EmitEvents, any, SocketData>;
      const details = s as SocketDetails<SocketData>;
      const single = new BroadcastOperator<EmitEvents, SocketData>(this.adapter, new Set([details.id]), new Set(), {
        expectSingleResponse: true,
      });
      return new RemoteSocket<EmitEvents, SocketData>(this.adapter, details, single);
    });
  }

  /** Makes the selected sockets join rooms. */
  socketsJoin(room: Room | Room[]): void {
    this.adapter.addSockets({ rooms: this.rooms, except: this.exceptRooms, flags: this.flags }, Array.isArray(room) ? room : [room]);
  }

  /** Makes the selected sockets leave rooms. */
  socketsLeave(room: Room | Room[]): void {
    this.adapter.delSockets({ rooms: this.rooms, except: this.exceptRooms, flags: this.flags }, Array.isArray(room) ? room : [room]);
  }

  /** Disconnects the selected sockets (`close` closes their whole connection). */
  disconnectSockets(close = false): void {
    this.adapter.disconnectSockets({ rooms: this.rooms, except: this.exceptRooms, flags: this.flags }, close);
  }
}

function isLocalSocket(s: unknown): boolean {
  return typeof s === "object" && s !== null && "client" in s && "nsp" in s;
}
