// The chat page: plain browser JavaScript over the client bundle the server serves.
/* global io */
const socket = io();
const $ = (id) => document.getElementById(id);
let currentRoom = null;
let typingTimer = null;
const typists = new Set();

socket.on("connect", () => { $("status").textContent = `connected (${socket.io.engine.transport.name})`; });
socket.io.engine?.on("upgrade", (transport) => { $("status").textContent = `connected (${transport.name})`; });
socket.on("disconnect", (reason) => { $("status").textContent = `disconnected: ${reason}`; });
socket.on("online", (count) => { $("online").textContent = `${count} online`; });

$("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const result = await socket.emitWithAck("login", $("username").value.trim());
  if (!result.ok) { $("login-error").textContent = result.error; return; }
  $("login").hidden = true;
  $("chat").hidden = false;
  renderRooms(result.rooms);
  await join(result.rooms[0]);
});

function renderRooms(rooms) {
  const list = $("rooms");
  for (const room of rooms) {
    if ([...list.children].some((li) => li.dataset.room === room)) continue;
    const li = document.createElement("li");
    li.dataset.room = room;
    li.textContent = `# ${room}`;
    li.addEventListener("click", () => join(room));
    list.append(li);
  }
  for (const li of list.children) li.classList.toggle("current", li.dataset.room === currentRoom);
}

async function join(room) {
  const result = await socket.emitWithAck("join", room);
  if (!result.ok) { $("send-error").textContent = result.error; return; }
  currentRoom = result.room;
  typists.clear();
  renderTyping();
  $("room-title").textContent = `# ${currentRoom}`;
  $("messages").replaceChildren();
  for (const message of result.history) showMessage(message);
  renderRooms([currentRoom]);
  renderUsers(result.users);
}

$("new-room").addEventListener("submit", (event) => {
  event.preventDefault();
  const room = $("room-name").value.trim();
  if (room) join(room);
  $("room-name").value = "";
});

$("send").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("text").value;
  if (!text.trim()) return;
  $("text").value = "";
  socket.emit("typing", currentRoom, false);
  const result = await socket.emitWithAck("message", currentRoom, text);
  $("send-error").textContent = result.ok ? "" : result.error;
});

$("text").addEventListener("input", () => {
  socket.emit("typing", currentRoom, true);
  clearTimeout(typingTimer);
  typingTimer = setTimeout(() => socket.emit("typing", currentRoom, false), 1500);
});

socket.on("message", (message) => { if (message.room === currentRoom) showMessage(message); });
socket.on("users", (room, users) => { if (room === currentRoom) renderUsers(users); });
socket.on("typing", (room, username, isTyping) => {
  if (room !== currentRoom) return;
  if (isTyping) typists.add(username); else typists.delete(username);
  renderTyping();
});

function showMessage(message) {
  const li = document.createElement("li");
  const from = document.createElement("span");
  from.className = "from";
  from.textContent = message.from;
  li.append(from, document.createTextNode(message.text));
  $("messages").append(li);
  li.scrollIntoView({ block: "end" });
}

function renderUsers(users) {
  $("users").replaceChildren(...users.map((name) => Object.assign(document.createElement("li"), { textContent: name })));
}

function renderTyping() {
  const names = [...typists];
  $("typing").textContent = names.length === 0 ? "" : `${names.join(", ")} ${names.length === 1 ? "is" : "are"} typing…`;
}
