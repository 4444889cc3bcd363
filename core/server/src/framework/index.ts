export { createFrameworkServer, type FrameworkOptions, type FrameworkServer } from "./framework-server.js";
export { routeUpgrades, type UpgradeRouterOptions, type FrameworkHandler } from "./upgrade-router.js";
export { dispatchToEngine, takeUpgrade, stashUpgrade, type PendingUpgrade, type EngineEntry } from "./pending-upgrade.js";
export { createUpgradeResponse, type UpgradeResponse } from "./upgrade-response.js";
export { drainSessions } from "./drain-sessions.js";
export { closeFrameworkServer, type CloseFrameworkOptions } from "./close-framework-server.js";
