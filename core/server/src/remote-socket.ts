import type { DecorateAcknowledgements, DefaultEventsMap, EventNames, EventParams, EventsMap } from "@switchboard/protocol";
import type { Adapter } from "./adapter/index.js";
import type { BroadcastOperator } from "./broadcast-operator.js";
import type { Handshake, Room, SocketId } from "./server-types.js";

/** What an adapter reports about a socket living on another node. */
export interface SocketDetails<SocketData> {
  id: SocketId;
  handshake: Handshake;
  rooms: Room[] | Set<Room>;
  data: SocketData;
}

/**
 * A socket of another server node, as `fetchSockets()` returns it: its details, plus the
 * operations the adapter can forward (emit, join, leave, disconnect).
 *
 * @example
 * for (const s of await io.fetchSockets()) s.emit("hello");
 *
 * The `BroadcastOperator` aimed at this socket alone is handed in by the operator that fetched it,
 * so this module needs that class only as a type (no runtime import cycle between the two).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export class RemoteSocket<EmitEvents extends EventsMap = DefaultEventsMap, SocketData = any> {
  readonly id: SocketId;
  readonly handshake: Handshake;
  readonly rooms: Set<Room>;
  readonly data: SocketData;

  constructor(
    private readonly adapter: Adapter,
    details: SocketDetails<SocketData>,
    private readonly operator: BroadcastOperator<EmitEvents, SocketData>,
  ) {
    this.id = details.id;
    this.handshake = details.handshake;
    this.rooms = new Set(details.rooms);
    this.data = details.data;
  }

  emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: EventParams<EmitEvents, Ev>): boolean {
    return this.operator.emit(ev, ...args);
  }

  timeout(timeout: number): BroadcastOperator<DecorateAcknowledgements<EmitEvents>, SocketData> {
    return this.operator.timeout(timeout) as unknown as BroadcastOperator<DecorateAcknowledgements<EmitEvents>, SocketData>;
  }

  join(room: Room | Room[]): void {
    this.adapter.addSockets({ rooms: new Set([this.id]), except: new Set() }, Array.isArray(room) ? room : [room]);
  }

  leave(room: Room): void {
    this.adapter.delSockets({ rooms: new Set([this.id]), except: new Set() }, [room]);
  }

  disconnect(close = false): this {
    this.adapter.disconnectSockets({ rooms: new Set([this.id]), except: new Set() }, close);
    return this;
  }
}
