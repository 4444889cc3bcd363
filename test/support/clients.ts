import { io as connect, type ManagerOptions, type Socket as ClientSocket, type SocketOptions } from "socket.io-client";
import { waitFor } from "./wait.js";

/** Tracks official clients so each test closes all of them (`afterEach(() => clients.closeAll())`). */
export class Clients {
  private readonly all: ClientSocket[] = [];

  open(url: string, options: Partial<ManagerOptions & SocketOptions> = {}): ClientSocket {
    const socket = connect(url, { forceNew: true, reconnection: false, timeout: 5000, ...options });
    this.all.push(socket);
    return socket;
  }

  /**
   * Disconnects every client and resolves once their connections are closed, so that no request of
   * theirs is still in flight when the test closes its server.
   */
  async closeAll(): Promise<void> {
    const sockets = this.all.splice(0);
    for (const socket of sockets) socket.disconnect();
    await waitFor(() => sockets.every((socket) => (socket.io.engine?.readyState ?? "closed") === "closed"), 5000, "clients closed");
  }
}
