/** Stable codes carried by every error the decoders raise on untrusted input. */
export type ProtocolErrorCode =
  | "INVALID_PACKET_TYPE"
  | "INVALID_PAYLOAD"
  | "INVALID_ATTACHMENTS"
  | "INVALID_PLACEHOLDER"
  | "UNEXPECTED_BINARY"
  | "UNEXPECTED_TEXT"
  | "INVALID_ENCODING"
  | "PAYLOAD_TOO_LARGE";

/**
 * A malformed packet. Decoders throw it synchronously; callers turn it into a closed session,
 * never an uncaught exception.
 *
 * @example
 * try { decoder.add(chunk) } catch (err) { if (err instanceof ProtocolError) close(err.code) }
 */
export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;

  /** `options.cause` keeps the underlying error (a JSON.parse or reviver failure) for debugging. */
  constructor(code: ProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ProtocolError";
    this.code = code;
  }
}
