// A load generator of the scale benchmark, in its own process: lean WebSocket clients (raw `ws`,
// Engine.IO/Socket.IO framed by hand) from one source address (127.0.0.x, so the generators do
// not share one pool of ephemeral ports). Each client records when a stamped broadcast
// (`42["t",<sender's clock in ms>]`) reached it, on the same machine's clock.
import { connectWs } from "../lib/ws-client.mjs";
import { answerParent } from "../lib/answer-parent.mjs";

const now = () => performance.timeOrigin + performance.now();
let clients = [];
let latencies = new Float64Array(0);
let received = 0;
let closed = 0;

function onStamp(i, data) {
  const text = data.toString("latin1");
  const sent = Number(text.slice(text.indexOf(",") + 1, text.lastIndexOf("]")));
  if (Number.isNaN(latencies[i])) received++;
  latencies[i] = now() - sent;
}

const handlers = {
  /** Opens `count` clients, `inFlight` handshakes at a time; stops trying after `timeoutMs`. */
  async connect({ port, count, localAddress, inFlight, timeoutMs }) {
    const t0 = now();
    const deadline = t0 + timeoutMs;
    latencies = new Float64Array(count).fill(NaN);
    let next = 0;
    let failed = 0;
    let firstError;
    // For a handshake that failed: how far it got (101 response, open packet) and when it ended.
    const failures = {};
    const worker = async () => {
      while (next < count && now() < deadline) {
        const i = next++;
        const client = { onEvent: (data) => onStamp(i, data) };
        const started = now();
        let stage = "no 101 response";
        const pending = connectWs(port, client, { localAddress });
        client.ws.once("upgrade", () => (stage = "no open packet"));
        client.ws.once("message", () => (stage = "open packet, no CONNECT ack"));
        try {
          await pending;
          client.ws.on("close", () => closed++);
          clients.push(client);
        } catch (err) {
          failed++;
          firstError ??= err.message;
          const f = (failures[`${stage}: ${err.message}`] ??= { count: 0, afterMs: [] });
          f.count++;
          if (f.afterMs.length < 5) f.afterMs.push(Math.round(now() - started));
        }
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    return { ms: now() - t0, connected: clients.length, failed, firstError, failures, cpu: process.cpuUsage() };
  },
  arm() {
    latencies.fill(NaN);
    received = 0;
    return true;
  },
  received: () => ({ received, closed }),
  latencies: () => Array.from(latencies).filter((x) => !Number.isNaN(x)),
  close() {
    for (const c of clients) c.ws.terminate();
    clients = [];
    return true;
  },
};

answerParent(handlers);
process.on("disconnect", () => process.exit(0));
