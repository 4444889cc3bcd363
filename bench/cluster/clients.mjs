// A load generator of the cluster benchmark, in its own process: official socket.io-client 4.8
// sockets (the same client for every stack) spread over the nodes, each recording the numbered
// broadcast it receives. A client knows every node's URL: each reconnection attempt goes to the
// next one, so a client whose node died lands on a live node.
import { io } from "socket.io-client";

const now = () => performance.timeOrigin + performance.now();
/** @type {Array<ReturnType<typeof track>>} */
let clients = [];

function track(urls, home) {
  const socket = io(urls[home], {
    forceNew: true,
    transports: ["websocket"],
    reconnectionDelay: 250,
    reconnectionDelayMax: 1000,
  });
  const c = { socket, home, current: home, firstId: undefined, connects: [], nums: [], times: [], fence: undefined, asked: undefined };
  socket.io.on("reconnect_attempt", () => {
    c.current = (c.current + 1) % urls.length;
    socket.io.uri = urls[c.current];
  });
  socket.on("connect", () => {
    c.firstId ??= socket.id;
    c.connects.push({ at: now(), id: socket.id, recovered: socket.recovered, node: c.current, asked: c.asked });
  });
  // What the next CONNECT will present to get the session back (socket.io-client's own fields).
  socket.on("disconnect", () => {
    c.asked = { pid: socket._pid, offset: socket._lastOffset };
  });
  socket.on("seq", (n) => {
    c.nums.push(n);
    c.times.push(now());
  });
  socket.on("fence", (count) => (c.fence = count));
  return c;
}

const last = (list) => (list.length === 0 ? -1 : list[list.length - 1]);

function until(condition, timeoutMs) {
  return new Promise((resolve) => {
    const deadline = now() + timeoutMs;
    const check = () => {
      if (condition() || now() > deadline) return resolve(condition());
      setTimeout(check, 10);
    };
    check();
  });
}

/** What one client saw, against 0..count-1 once each in order. */
function summary(c, count, fault) {
  const seen = new Uint8Array(count);
  let duplicated = 0;
  let outOfOrder = 0;
  let max = -1;
  for (const n of c.nums) {
    if (n >= count) continue;
    if (seen[n]) duplicated++;
    else if (n < max) outOfOrder++;
    seen[n] = 1;
    max = Math.max(max, n);
  }
  const lost = count - seen.reduce((a, b) => a + b, 0);
  const reconnect = c.connects[1];
  const affected = fault.kind === "kill" ? c.home === fault.node : c.home !== fault.publisher;
  let recoverMs = null;
  if (affected && fault.kind === "kill" && reconnect) {
    // From the kill to the first message after the client's reconnection (replayed or live).
    const i = c.times.findIndex((t) => t >= reconnect.at);
    if (i !== -1) recoverMs = c.times[i] - fault.at;
  } else if (affected && fault.kind !== "kill") {
    // From Redis back to the first message sent after it, so every earlier one had its chance.
    const i = c.nums.findIndex((n) => n >= fault.nBack);
    if (i !== -1) recoverMs = c.times[i] - fault.at;
  }
  return {
    affected,
    lost,
    duplicated,
    outOfOrder,
    reconnected: c.connects.length > 1,
    recovered: c.connects.length > 1 && c.connects.slice(1).every((k) => k.recovered && k.id === c.firstId),
    recoverMs,
    // Only for a client that lost messages: its connections, to trace why (offsets are relative).
    connects: lost > 0 && affected ? c.connects.map((k) => ({ ...k, at: Math.round(k.at - fault.at) })) : undefined,
  };
}

let fault;
const handlers = {
  async connect({ urls, count, first }) {
    const t0 = now();
    for (let i = 0; i < count; i++) clients.push(track(urls, (first + i) % urls.length));
    const ok = await until(() => clients.every((c) => c.connects.length > 0), 60000);
    if (!ok) throw new Error(`${clients.filter((c) => c.connects.length === 0).length} clients did not connect`);
    return { ms: now() - t0 };
  },
  /** Resolves once every client has a message numbered `target` or more (false after `timeoutMs`). */
  past: ({ target, timeoutMs }) => until(() => clients.every((c) => last(c.nums) >= target), timeoutMs),
  fault(msg) {
    fault = msg.fault;
    return true;
  },
  async fence({ count, timeoutMs }) {
    await until(() => clients.every((c) => c.fence === count), timeoutMs);
    return clients.map((c) => summary(c, count, fault));
  },
  close() {
    for (const c of clients) c.socket.disconnect();
    clients = [];
    return true;
  },
};

process.on("message", async (msg) => {
  try {
    process.send({ id: msg.id, result: await handlers[msg.cmd](msg) });
  } catch (err) {
    process.send({ id: msg.id, error: err.message });
  }
});
process.on("disconnect", () => process.exit(0));
