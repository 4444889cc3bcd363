// Drives the chat app with the official client and returns what happened, line by line. The
// transcript only holds what a user could observe, so two servers can be compared.
import { io } from "socket.io-client";

function connect(url, nsp, opts = {}) {
  return io(url + nsp, { forceNew: true, reconnection: false, ...opts });
}

function next(socket, event) {
  return new Promise((resolve) => socket.once(event, (...args) => resolve(args)));
}

/** Runs the scenario against `url` over `transports`; resolves with the transcript. */
export async function drive(url, transports = ["polling", "websocket"]) {
  const lines = [];
  const log = (...parts) => lines.push(parts.map((p) => JSON.stringify(p)).join(" "));
  const opened = [];
  const open = (nsp, opts) => {
    const socket = connect(url, nsp, { transports, ...opts });
    opened.push(socket);
    return socket;
  };

  try {
    const anonymous = open("/");
    const [err] = await next(anonymous, "connect_error");
    log("anonymous refused", err.message, err.data);

    const alice = open("/", { auth: { name: "alice" } });
    await next(alice, "connect");
    log("alice connected", alice.id.length);

    const bob = open("/", { auth: { name: "bob" } });
    const joined = next(alice, "joined");
    await next(bob, "connect");
    log("alice saw join", ...(await joined));

    const bobHears = next(bob, "said");
    const aliceHears = next(alice, "said");
    log("say ack", await alice.emitWithAck("say", "hello"));
    log("bob heard", ...(await bobHears));
    log("alice heard", ...(await aliceHears));

    const whisper = next(bob, "whispered");
    alice.emit("whisper", "bob", "psst");
    log("bob whispered", ...(await whisper));

    const [size, reversed] = await new Promise((resolve) => alice.emit("upload", new Uint8Array([1, 2, 3, 4]), (...args) => resolve(args)));
    log("upload", size, [...new Uint8Array(reversed)]);

    bob.on("vote", (question, ack) => ack(`bob says yes to ${question}`));
    log("poll", await alice.emitWithAck("poll", "pizza?"));

    const room = open("/room-blue", { auth: { name: "carol" } });
    log("room welcome", ...(await next(room, "welcome")));
    const missing = open("/nowhere", { auth: { name: "dave" } });
    log("unknown namespace", (await next(missing, "connect_error"))[0].message);

    const left = next(alice, "left");
    bob.disconnect();
    log("alice saw leave", ...(await left));
  } finally {
    for (const socket of opened) socket.disconnect();
  }
  return lines;
}
