import { describe } from "@jest/globals";
import { runBasicsSuite } from "../auth/basics-suite.js";
import { startExpress } from "./start-express.js";

describe("@switchboard/express with socket.io-client", () => {
  runBasicsSuite((options) => startExpress(options));
});
