import type { IncomingHttpHeaders } from "node:http";
import { WebSocket } from "ws";

/** Opens a raw Engine.IO WebSocket on `baseUrl` (http://...) and resolves with its 101 answer's headers. */
export function upgradeHeaders(baseUrl: string, path = "/socket.io/"): Promise<IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}${path}?EIO=4&transport=websocket`);
    ws.on("upgrade", (res) => resolve(res.headers));
    ws.on("open", () => ws.close());
    ws.on("error", reject);
  });
}
