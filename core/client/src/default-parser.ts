// The parser a Manager uses when its `parser` option is not set: Socket.IO's JSON one. The
// msgpack browser bundle (scripts/build-bundle.mjs) swaps this module for
// default-parser-msgpack.ts, so that its `io()` speaks socket.io-msgpack-parser's format.
import { Decoder, Encoder } from "@switchboard/protocol";
import type { Parser } from "./manager.js";

export const defaultParser: Parser = { Encoder, Decoder };
