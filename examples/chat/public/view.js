// What the chat page draws. State lives in app.js; this module only turns it into DOM, with
// textContent everywhere (never innerHTML: messages are other people's input).

const $ = (id) => document.getElementById(id);
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const fullDate = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

export const els = {
  loginView: $("login-view"),
  login: $("login"),
  username: $("username"),
  loginError: $("login-error"),
  chat: $("chat"),
  menu: $("menu"),
  me: $("me"),
  logout: $("logout"),
  rooms: $("rooms"),
  newRoom: $("new-room"),
  roomName: $("room-name"),
  send: $("send"),
  text: $("text"),
};

function node(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function timeElement(at) {
  const time = node("time", "", timeOfDay.format(at));
  time.dateTime = new Date(at).toISOString();
  time.title = fullDate.format(at);
  return time;
}

/** `state`: "connected", "connecting" or "offline" (a coloured dot); `text` what the user reads. */
export function setStatus(state, text) {
  const status = $("status");
  status.dataset.state = state;
  status.textContent = text;
}

export function setOnline(count) {
  $("online").textContent = count === 1 ? "1 online" : `${count} online`;
}

export function showLogin(error = "") {
  els.loginView.hidden = false;
  els.chat.hidden = true;
  els.me.hidden = true;
  els.menu.hidden = true;
  els.loginError.textContent = error;
  document.body.classList.remove("nav-open");
  els.username.focus();
}

export function showChat(username) {
  els.loginView.hidden = true;
  els.chat.hidden = false;
  els.me.hidden = false;
  els.menu.hidden = false;
  $("me-name").textContent = username;
  els.loginError.textContent = "";
}

export function setNavOpen(open) {
  document.body.classList.toggle("nav-open", open);
  els.menu.setAttribute("aria-expanded", String(open));
}

export function renderRooms(rooms, current) {
  const items = rooms.map((room) => {
    const li = node("li");
    const button = node("button", "room", `# ${room}`);
    button.type = "button";
    button.dataset.room = room;
    if (room === current) button.setAttribute("aria-current", "true");
    li.append(button);
    return li;
  });
  els.rooms.replaceChildren(...items);
}

export function setRoomTitle(room) {
  $("room-title").textContent = room ? `# ${room}` : "";
  for (const button of els.rooms.querySelectorAll("button[data-room]")) {
    if (button.dataset.room === room) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  }
}

export function renderUsers(users, me) {
  $("users").replaceChildren(...users.map((name) => node("li", name === me ? "me" : "", name === me ? `${name} (you)` : name)));
}

export function renderTyping(names) {
  $("typing").textContent = names.length === 0 ? "" : `${names.join(", ")} ${names.length === 1 ? "is" : "are"} typing…`;
}

const STATE_TEXT = { pending: "pending", delivered: "✓", failed: "not sent" };

function messageItem(message, me, state) {
  if (message.kind === "system") {
    const li = node("li", "notice");
    li.dataset.id = message.id;
    li.append(node("span", "", message.text), " ", timeElement(message.at));
    return li;
  }
  const mine = message.from === me;
  const li = node("li", mine ? "message mine" : "message");
  li.dataset.id = message.id;
  const meta = node("div", "meta");
  meta.append(node("span", "from", mine ? "you" : message.from), " ", timeElement(message.at));
  if (mine) {
    li.dataset.state = state;
    const mark = node("span", "state", STATE_TEXT[state]);
    mark.title = state === "delivered" ? "delivered" : state === "pending" ? "waiting for the server" : "the server refused it";
    meta.append(" ", mark);
  }
  li.append(meta, node("p", "text", message.text));
  return li;
}

function nearBottom(list) {
  return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
}

/** Replaces the conversation (joining a room, or back after a restart). */
export function resetMessages(messages, me) {
  const list = $("messages");
  list.replaceChildren(...messages.map((m) => messageItem(m, me, "delivered")));
  list.scrollTop = list.scrollHeight;
}

/** Adds a message, or redraws it in place (pending, then delivered). */
export function upsertMessage(message, me, state = "delivered") {
  const list = $("messages");
  const follow = nearBottom(list) || message.from === me;
  const item = messageItem(message, me, state);
  const existing = list.querySelector(`li[data-id="${CSS.escape(message.id)}"]`);
  if (existing) existing.replaceWith(item);
  else list.append(item);
  if (follow) list.scrollTop = list.scrollHeight;
}

export function markFailed(id, error) {
  const item = $("messages").querySelector(`li[data-id="${CSS.escape(id)}"]`);
  if (!item) return;
  item.dataset.state = "failed";
  const mark = item.querySelector(".state");
  if (mark) {
    mark.textContent = `not sent: ${error}`;
    mark.title = "the server refused it";
  }
}

/** The line under the input: how many messages wait for the connection, or why the last action failed. */
export function setNote(text, isError = false) {
  const note = $("send-note");
  note.textContent = text;
  note.classList.toggle("error", isError);
}
