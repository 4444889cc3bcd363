/* eslint-disable @typescript-eslint/no-explicit-any */
import { createServer, type Server as HttpServer } from "node:http";
import { serveClientFile } from "../../core/server/src/serve-client.js";
import { listen } from "../support/index.js";

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>switchboard</title>
<script src="/socket.io/socket.io.js"></script></head><body>ok</body></html>`;

/**
 * An http server answering `/` with a page that loads the client bundle, `/socket.io/socket.io*.js`
 * through serveClientFile, and everything else through the Socket.IO server `attach` binds.
 */
export async function startBrowserServer(attach: (http: HttpServer) => any): Promise<{ http: HttpServer; io: any; url: string }> {
  const http = createServer();
  const io = attach(http);
  // Socket.IO servers take over the request listeners: put ours in front of theirs.
  const theirs = http.listeners("request").slice() as Array<(...args: unknown[]) => void>;
  http.removeAllListeners("request");
  http.on("request", (req, res) => {
    if (serveClientFile(req, res, "/socket.io")) return;
    if (req.url === "/" || req.url === "/index.html") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(PAGE);
      return;
    }
    for (const listener of theirs) listener.call(http, req, res);
  });
  const { url } = await listen(http);
  return { http, io, url };
}
