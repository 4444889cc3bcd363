/**
 * The sockets a SwitchboardAdapter handed to Nest. Gateway enhancers are class metadata, global
 * to the process: they act only on these, never on another adapter's clients.
 */
const served = new WeakSet<object>();

export function markServed(socket: object): void {
  served.add(socket);
}

export function isServed(client: unknown): boolean {
  return typeof client === "object" && client !== null && served.has(client);
}
