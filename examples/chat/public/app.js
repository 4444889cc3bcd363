// The chat page. It logs in over HTTP (POST /login answers a JWT), connects with that token as
// `auth`, and keeps working through server restarts and network blips:
// - a blip: connection state recovery gives the session back (room, missed messages);
// - a restart: the page connects again with its token, or, if the server refuses it (another
//   secret, an expiry), logs in again under the same name without asking;
// - messages typed meanwhile wait in the outbox, shown as pending, and go out once connected;
//   the server's acknowledgement marks them delivered.
/* global io */
import { Conversation } from "./conversation.js";
import { Outbox, newMessageId } from "./outbox.js";
import { Session } from "./session.js";
import { Typing } from "./typing.js";
import * as view from "./view.js";

const ACK_TIMEOUT_MS = 5000;
const AUTH_REFUSED = new Set(["missing_token", "invalid_token", "token_expired", "unauthorized"]);
const ROOM_RE = /^[\p{L}\p{N}_.-]{1,32}$/u;

const session = new Session();
const outbox = new Outbox();
const socket = io({
  autoConnect: false,
  // Asked at every (re)connection, so the latest token is the one sent.
  auth: (cb) => cb({ token: session.token }),
  reconnectionDelay: 500,
  reconnectionDelayMax: 3000,
});
globalThis.socket = socket; // handy in the devtools console

let room = sessionStorage.getItem("chat.room") ?? "general";
let ready = false; // connected and in the room: the outbox may go out
let everConnected = false;
let refreshTimer;
const conversation = new Conversation(() => session.username);
const typing = new Typing({
  send: (isTyping) => socket.volatile.emit("typing", room, isTyping),
  render: (names) => view.renderTyping(names),
});

// One socket operation at a time: a room's history is never drawn while a send is half done.
let chain = Promise.resolve();
function serial(task) {
  chain = chain.then(task).catch((err) => console.error(err));
  return chain;
}

// ---- connection

function showStatus() {
  if (socket.connected) view.setStatus("connected", `connected (${socket.io.engine.transport.name})`);
  else if (!session.token) view.setStatus("offline", "not connected");
  else view.setStatus("connecting", everConnected ? "reconnecting…" : "connecting…");
  showNote();
}

socket.io.on("open", () => socket.io.engine.on("upgrade", showStatus));
socket.io.on("reconnect_attempt", showStatus);

socket.on("connect", () => {
  everConnected = true;
  showStatus();
  serial(async () => {
    // Recovered: the server restored the session (room, missed messages). Otherwise enter again.
    if (!socket.recovered) await enterRoom(room);
    ready = socket.connected;
  }).then(flush);
});

socket.on("disconnect", (reason) => {
  ready = false;
  typing.clear();
  showStatus();
  // The server ended the session (its token expired, say): come back, with a fresh token if need be.
  if (reason === "io server disconnect") socket.connect();
});

socket.on("connect_error", (err) => {
  showStatus();
  // Unreachable server: the client retries on its own. A refused token: log in again quietly.
  if (AUTH_REFUSED.has(err.data?.code)) void renewAndConnect();
});

async function renewAndConnect() {
  const result = await session.renew();
  if (result.ok) {
    scheduleRefresh();
    socket.connect();
  } else if (result.retry) {
    setTimeout(() => socket.connect(), 1000);
  } else {
    logOut(`Please log in again: ${result.error}`);
  }
}

// Back on the network: try now rather than at the next backoff step.
window.addEventListener("online", () => {
  if (!session.token || socket.connected) return;
  socket.disconnect();
  socket.connect();
});

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const delay = session.refreshDelay();
  if (delay !== null) refreshTimer = setTimeout(refreshToken, delay);
}

/** A fresh token before the old one expires, handed to the live connection (no reconnection). */
async function refreshToken() {
  const result = await session.refresh();
  if (!result.ok) {
    if (result.retry) refreshTimer = setTimeout(refreshToken, 5000);
    return;
  }
  scheduleRefresh();
  if (socket.connected) {
    socket.refreshAuth({ token: session.token }).catch((err) => console.warn("the server kept the old token:", err.data?.code ?? err.message));
  }
}

// ---- logging in and out

function start() {
  view.showChat(session.username);
  view.renderRooms([room], room);
  showRoomOffline(room);
  scheduleRefresh();
  socket.connect();
  showStatus();
  view.els.text.focus();
}

function logOut(message = "") {
  clearTimeout(refreshTimer);
  conversation.forget();
  socket.disconnect();
  session.clear();
  outbox.clear();
  ready = false;
  everConnected = false;
  view.showLogin(message);
  showStatus();
}

view.els.login.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = view.els.login.querySelector("button");
  button.disabled = true;
  const result = await session.login(view.els.username.value.trim());
  button.disabled = false;
  if (result.ok) start();
  else view.showLogin(result.error);
});

view.els.logout.addEventListener("click", () => logOut());

// ---- rooms

function pendingMessage(draft) {
  return { id: draft.id, room: draft.room, kind: "user", from: session.username, text: draft.text, at: draft.at };
}

/** Draws a room without the server: its title, what we saw there, and what waits for it. */
function showRoomOffline(target) {
  view.setRoomTitle(target);
  view.renderUsers([], session.username);
  conversation.draw(target, [], outbox.inRoom(target).map(pendingMessage));
}

/** Joins a room: who is there, its recent history, then what of ours still waits. */
async function enterRoom(target) {
  let result;
  try {
    result = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("join", target);
  } catch {
    return; // the connection dropped meanwhile: the next `connect` comes back here
  }
  if (!result.ok) return view.setNote(result.error, true);
  room = result.room;
  sessionStorage.setItem("chat.room", room);
  typing.clear();
  view.renderRooms(result.rooms, room);
  view.setRoomTitle(room);
  view.renderUsers(result.users, session.username);
  conversation.draw(room, result.history, outbox.inRoom(room).map(pendingMessage));
}

function pickRoom(target) {
  view.setNavOpen(false);
  view.els.text.focus();
  if (target === room && ready) return;
  stopTyping();
  if (socket.connected) return void serial(() => enterRoom(target));
  room = target;
  sessionStorage.setItem("chat.room", room);
  showRoomOffline(room);
}

view.els.rooms.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-room]");
  if (button) pickRoom(button.dataset.room);
});

view.els.newRoom.addEventListener("submit", (event) => {
  event.preventDefault();
  const name = view.els.roomName.value.trim();
  if (!ROOM_RE.test(name)) return view.setNote("a room name is 1 to 32 letters, digits, '.', '_' or '-'", true);
  view.els.roomName.value = "";
  pickRoom(name);
});

view.els.menu.addEventListener("click", () => view.setNavOpen(!document.body.classList.contains("nav-open")));

// Alt+↑ / Alt+↓ move between rooms; Escape closes the room list on a phone.
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") return view.setNavOpen(false);
  if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown") || view.els.chat.hidden) return;
  const rooms = [...view.els.rooms.querySelectorAll("button[data-room]")].map((b) => b.dataset.room);
  const next = rooms[rooms.indexOf(room) + (event.key === "ArrowUp" ? -1 : 1)];
  if (next !== undefined) {
    event.preventDefault();
    pickRoom(next);
  }
});

socket.on("rooms", (rooms) => view.renderRooms(rooms, room));
socket.on("users", (where, users) => {
  if (where === room) view.renderUsers(users, session.username);
});
socket.on("online", (count) => view.setOnline(count));

// ---- messages

function showNote() {
  const waiting = outbox.size;
  if (waiting === 0 || socket.connected) return view.setNote("");
  view.setNote(`${waiting === 1 ? "1 message waits" : `${waiting} messages wait`} for the connection and will be sent by itself`);
}

/** Sends what waits, in order, one at a time; stops at the first one left unanswered. */
function flush() {
  return serial(async () => {
    while (ready && socket.connected && outbox.size > 0) {
      const draft = outbox.first();
      let result;
      try {
        result = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("message", { id: draft.id, room: draft.room, text: draft.text });
      } catch {
        // Unanswered (dropped connection, slow server): it stays queued and goes again later;
        // the server keeps a message once, however many times it arrives.
        if (socket.connected) setTimeout(flush, 2000);
        break;
      }
      outbox.remove(draft.id);
      if (!result.ok) view.markFailed(draft.id, result.error);
      else if (result.message.room === room) conversation.delivered(result.message);
    }
    showNote();
  });
}

view.els.send.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = view.els.text.value;
  if (!text.trim()) return;
  const draft = { id: newMessageId(), room, text, at: Date.now() };
  outbox.add(draft);
  view.els.text.value = "";
  stopTyping();
  conversation.pending(pendingMessage(draft));
  showNote();
  void flush();
});

socket.on("message", (message) => {
  // Our own message coming back proves it arrived, even if its acknowledgement gets lost.
  if (message.kind === "user" && message.from === session.username) outbox.remove(message.id);
  if (message.room !== room) return;
  conversation.delivered(message);
  if (message.kind === "user") typing.forget(message.from);
});

// ---- typing

view.els.text.addEventListener("input", () => typing.changed(view.els.text.value.trim() !== "", ready));
socket.on("typing", (where, name, isTyping) => {
  if (where === room && name !== session.username) typing.heard(name, isTyping);
});

function stopTyping() {
  typing.stop(socket.connected);
}

// ---- start

if (session.token) start();
else view.showLogin();
showStatus();
