import { describe } from "@jest/globals";
import { runAuthSuite } from "../auth/auth-suite.js";
import { startExpress } from "./start-express.js";

describe("@switchboard/express auth option", () => {
  runAuthSuite((options) => startExpress(options));
});
