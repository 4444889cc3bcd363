/** Stable codes of the errors the Socket.IO server layer throws at programmer mistakes. */
export type ServerErrorCode = "RESERVED_EVENT" | "INVALID_OPTION";

/**
 * A programmer error of the server API (emitting a reserved event name, ...). Thrown synchronously.
 *
 * @example
 * try { socket.emit("disconnect") } catch (err) { (err as ServerError).code } // "RESERVED_EVENT"
 */
export class ServerError extends Error {
  readonly code: ServerErrorCode;

  constructor(code: ServerErrorCode, message: string) {
    super(message);
    this.name = "ServerError";
    this.code = code;
  }
}

/** Throws when user code tries to emit an event name the protocol reserves. */
export function assertNotReserved(ev: unknown, reserved: ReadonlySet<string>): void {
  if (typeof ev === "string" && reserved.has(ev)) {
    throw new ServerError("RESERVED_EVENT", `"${ev}" is a reserved event name`);
  }
}
