import { createServer, type Server as HttpServer } from "node:http";
import { attachClientServing } from "../../core/server/src/serve-client.js";
import { listen } from "../support/index.js";

const page = (script: string) => `<!doctype html><html><head><meta charset="utf-8"><title>switchboard</title>
<script src="/socket.io/${script}"></script></head><body>ok</body></html>`;

/**
 * An http server answering `/` with a page that loads the client bundle, the bundle URLs through
 * attachClientServing, and the rest through the Socket.IO server that `attach` binds. `script` is
 * the bundle the page loads.
 */
export async function startBrowserServer(attach: (http: HttpServer) => any, script = "socket.io.js"): Promise<{ http: HttpServer; io: any; url: string }> {
  const http = createServer((req, res) => {
    if (req.url === "/" || req.url === "/index.html") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(page(script));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  const io = attach(http);
  attachClientServing(http, "/socket.io");
  const { url } = await listen(http);
  return { http, io, url };
}
