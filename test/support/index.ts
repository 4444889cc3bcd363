export { listen, closeServer, type Listening } from "./http-server.js";
export { waitFor, eventually, once, sleep } from "./wait.js";
export { upgradeHeaders } from "./upgrade-headers.js";
export { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";
export { Clients } from "./clients.js";
