// The child side of spawnChild (child.mjs): answers the parent's `{ id, cmd, ... }` messages
// with `handlers[cmd](msg)`, or with the error's message.
export function answerParent(handlers) {
  process.on("message", async (msg) => {
    try {
      process.send({ id: msg.id, result: await handlers[msg.cmd](msg) });
    } catch (err) {
      process.send({ id: msg.id, error: err.message });
    }
  });
}
