export { listen, closeServer, type Listening } from "./http-server.js";
export { waitFor, once, sleep } from "./wait.js";
export { upgradeHeaders } from "./upgrade-headers.js";
