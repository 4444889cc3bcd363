// Default parser of the msgpack browser bundle (socket.io.msgpack.min.js), swapped in for
// default-parser.ts by scripts/build-bundle.mjs: MessagePack frames, as socket.io-msgpack-parser
// writes them.
import { msgpackParser } from "@switchboard/protocol";
import type { Parser } from "./manager.js";

export const defaultParser: Parser = msgpackParser;
