// A load generator of the cluster benchmark, in its own process: official socket.io-client 4.8
// sockets (the same client for every stack) spread over the nodes, each recording the numbered
// broadcast it receives. A client knows every node's URL: each reconnection attempt goes to the
// next one, so a client whose node died lands on a live node.
import { io } from "socket.io-client";
import { answerParent } from "../lib/answer-parent.mjs";

const now = () => performance.timeOrigin + performance.now();
/** @type {Array<ReturnType<typeof track>>} */
let clients = [];

/** The nodes' URLs, shared by every client: a restarted node's new URL replaces the old one in place. */
let urls = [];

function track(home, key, upEveryMs) {
  const socket = io(urls[home], {
    forceNew: true,
    transports: ["websocket"],
    reconnectionDelay: 250,
    reconnectionDelayMax: 1000,
    auth: { key },
  });
  const c = { socket, key, home, current: home, firstId: undefined, connects: [], nums: [], times: [], fence: undefined, asked: undefined };
  if (upEveryMs) {
    // Numbered messages up, sent whatever the connection's state (the client buffers them while away).
    c.up = { sent: 0 };
    c.upTimer = setInterval(() => socket.emit("up", c.up.sent++), upEveryMs);
  }
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
  async connect({ urls: list, count, first, upEveryMs }) {
    const t0 = now();
    urls = list;
    for (let i = 0; i < count; i++) clients.push(track((first + i) % urls.length, `k${first + i}`, upEveryMs));
    const ok = await until(() => clients.every((c) => c.connects.length > 0), 120000);
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
  setUrl({ index, url }) {
    urls[index] = url;
    return true;
  },
  /** Clients connected to node `index` right now. */
  countOn: ({ index }) => clients.filter((c) => c.current === index && c.socket.connected).length,
  /** Resolves with the time at which every client is connected and `target` reconnections happened in all. */
  async back({ target, timeoutMs }) {
    const reconnects = () => clients.reduce((n, c) => n + c.connects.length - 1, 0);
    const ok = await until(() => reconnects() >= target && clients.every((c) => c.socket.connected), timeoutMs);
    return { ok, at: now(), reconnects: reconnects() };
  },
  /** Rolling scenario: stops sending, waits for the fence, and says what each client got and sent. */
  async drain({ count, timeoutMs }) {
    for (const c of clients) clearInterval(c.upTimer);
    await until(() => clients.every((c) => c.fence === count), timeoutMs);
    return clients.map((c) => {
      const seq = summary(c, count, { kind: "rolling" });
      return {
        key: c.key,
        sent: c.up.sent,
        seq: { lost: seq.lost, duplicated: seq.duplicated },
        reconnects: c.connects.slice(1).map((k) => ({ at: k.at, recovered: k.recovered && k.id === c.firstId })),
      };
    });
  },
  close() {
    for (const c of clients) {
      clearInterval(c.upTimer);
      c.socket.disconnect();
    }
    clients = [];
    return true;
  },
};

answerParent(handlers);
process.on("disconnect", () => process.exit(0));
