// Entry of the browser <script> bundle: the global `io` is the function itself, carrying
// `Manager`, `Socket`, `protocol` and `connect` as socket.io-client's bundle does.
import { io } from "./io.js";
import { Manager } from "./manager.js";
import { Socket } from "./socket.js";
import { SOCKET_PROTOCOL } from "@switchboard/protocol";

export default Object.assign(io, { io, Manager, Socket, protocol: SOCKET_PROTOCOL, connect: io });
