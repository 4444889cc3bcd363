/** Socket.IO v5 packet types. Numeric because they are the wire digits and the decoder switches on them. */
export enum PacketType {
  CONNECT = 0,
  DISCONNECT = 1,
  EVENT = 2,
  ACK = 3,
  CONNECT_ERROR = 4,
  BINARY_EVENT = 5,
  BINARY_ACK = 6,
}

/** A Socket.IO packet as the encoder takes it and the decoder yields it. */
export interface Packet {
  type: PacketType;
  /** Namespace, `/` by default. */
  nsp: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data?: any;
  id?: number;
  /** Number of binary attachments (BINARY_EVENT and BINARY_ACK only). */
  attachments?: number;
}

/** Socket.IO protocol revision implemented here (what `io.protocol` reports). */
export const SOCKET_PROTOCOL = 5;

/** Event names that the peer may never send, and that user code may never emit. */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set(["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"]);
