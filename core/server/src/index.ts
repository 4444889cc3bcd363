export * from "./engine/index.js";
export * from "./adapter/index.js";
export * from "./auth/index.js";
