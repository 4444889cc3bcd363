// A lean Socket.IO client over a raw `ws` WebSocket, framing by hand: it reads the open packet,
// sends CONNECT (`40`), answers pings, and hands events and acks to callbacks without parsing
// more than it needs, so the load generator measures the server, not itself.
import { WebSocket } from "ws";

const CH_0 = 0x30;
const CH_2 = 0x32;
const CH_3 = 0x33;
const CH_4 = 0x34;

/**
 * Resolves once the Socket.IO CONNECT ack (`40{...}`) arrived. `query` is appended to the handshake
 * URL (`room=3`), `localAddress` picks the source address (127.0.0.x, to spread ephemeral ports).
 */
export function connectWs(port, client = {}, { query = "", localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const url = `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket${query ? `&${query}` : ""}`;
    const ws = new WebSocket(url, { perMessageDeflate: false, localAddress });
    client.ws = ws;
    client.onEvent ??= null;
    client.onAck ??= null;
    let connected = false;
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const b0 = data[0];
      if (b0 === CH_4) {
        const b1 = data[1];
        if (b1 === CH_2) client.onEvent?.(data);
        else if (b1 === CH_3) client.onAck?.(data);
        else if (b1 === CH_0 && !connected) {
          connected = true;
          resolve(client);
        }
      } else if (b0 === CH_2 && data.length === 1) {
        ws.send("3");
      } else if (b0 === CH_0) {
        ws.send("40");
      }
    });
    ws.on("error", (err) => {
      if (!connected) reject(err);
    });
    ws.on("close", () => {
      if (!connected) reject(new Error("closed before CONNECT ack"));
    });
  });
}

/** Reads the ack id of `43<id>[...]`. */
export function ackId(data) {
  let id = 0;
  for (let i = 2; i < data.length; i++) {
    const c = data[i];
    if (c < 0x30 || c > 0x39) break;
    id = id * 10 + (c - 0x30);
  }
  return id;
}
