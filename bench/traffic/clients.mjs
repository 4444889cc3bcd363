// A load generator of the traffic benchmark, in its own process: lean WebSocket clients (raw `ws`
// framing Engine.IO/Socket.IO by hand), each on the node that holds its room, counting the
// broadcasts each node delivered.
import { connectWs } from "../lib/ws-client.mjs";
import { answerParent } from "../lib/answer-parent.mjs";

let clients = [];
let delivered = [];

const handlers = {
  /** `members`: [{ port, node, room }]; at most `inFlight` handshakes at a time. */
  async connect({ members, nodes, inFlight = 100 }) {
    delivered = new Array(nodes).fill(0);
    const t0 = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < members.length) {
        const { port, node, room } = members[next++];
        const client = { onEvent: () => delivered[node]++ };
        clients.push(await connectWs(port, client, { query: `room=${room}` }));
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    return { ms: performance.now() - t0 };
  },
  reset() {
    delivered.fill(0);
    return true;
  },
  delivered: () => delivered,
  close() {
    for (const c of clients) c.ws.terminate();
    clients = [];
    return true;
  },
};

answerParent(handlers);
process.on("disconnect", () => process.exit(0));
