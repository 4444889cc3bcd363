// A Socket.IO client over HTTP long-polling, by hand: handshake GET, CONNECT by POST, then one
// GET always pending (gzip accepted), pongs by POST. Hands every decoded packet to `onPacket`.
import http from "node:http";
import { gunzipSync, inflateSync } from "node:zlib";

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

function request(port, method, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        agent,
        headers: { "accept-encoding": "gzip, deflate", ...(body ? { "content-type": "text/plain;charset=UTF-8" } : {}) },
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          let buf = Buffer.concat(chunks);
          const enc = res.headers["content-encoding"];
          if (enc === "gzip") buf = gunzipSync(buf);
          else if (enc === "deflate") buf = inflateSync(buf);
          if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${buf}`));
          else resolve(buf.toString());
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export async function connectPolling(port, onPacket) {
  const base = "/socket.io/?EIO=4&transport=polling";
  const open = await request(port, "GET", base);
  const sid = JSON.parse(open.slice(1, open.indexOf("\x1e") === -1 ? undefined : open.indexOf("\x1e"))).sid;
  const path = `${base}&sid=${sid}`;
  const client = { sid, closed: false, onPacket };
  await request(port, "POST", path, "40");
  let connected = false;
  let resolveConnected;
  const connectedP = new Promise((r) => (resolveConnected = r));
  const poll = async () => {
    while (!client.closed) {
      let payload;
      try {
        payload = await request(port, "GET", path);
      } catch (err) {
        if (!client.closed) console.error("poll failed:", err.message);
        return;
      }
      for (const packet of payload.split("\x1e")) {
        if (packet === "2") void request(port, "POST", path, "3").catch(() => {});
        else if (packet.startsWith("40") && !connected) {
          connected = true;
          resolveConnected();
        } else if (packet.startsWith("1")) {
          client.closed = true;
        } else client.onPacket?.(packet);
      }
    }
  };
  void poll();
  await connectedP;
  client.close = () => {
    client.closed = true;
    return request(port, "POST", path, "1").catch(() => {});
  };
  return client;
}
