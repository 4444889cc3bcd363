/**
 * Bounded, seeded fuzzing of the Socket.IO Decoder (run by `npm test`). Property: every input
 * decodes to valid packets or fails with a ProtocolError; no other exception; no polluted
 * prototype; and every frame socket.io-parser rejects, we reject. Reproduce a failure with
 * FUZZ_SEED=<seed printed in the message>.
 */
import * as official from "socket.io-parser";
import * as protocol from "@switchboard/protocol";
import { checkAgainstOracle, checkEncoderAgainstOracle, checkSocketSequence, describeFailure, type Outcome } from "./fuzz-checks.js";
import { extremeSocketSequence, mulberry32, randomBytes, randomEncodablePacket, randomString, socketSequence } from "./fuzz-inputs.js";

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed) >>> 0;

function run(label: string, count: number, seed: number, one: (rng: () => number) => { input: unknown; outcome: Outcome }) {
  const rng = mulberry32(seed);
  const counts: Record<Outcome, number> = { valid: 0, rejected: 0 };
  for (let index = 0; index < count; index++) {
    let input: unknown;
    try {
      const result = one(rng);
      input = result.input;
      counts[result.outcome]++;
    } catch (err) {
      throw new Error(`[${label}] ${describeFailure(seed, index, input, err)}`);
    }
  }
  return counts;
}

describe("fuzz: Socket.IO Decoder", () => {
  it("mutated packets and attachment sequences: valid packets or ProtocolError", () => {
    const counts = run("sequences", 60_000, SEED, (rng) => {
      const input = socketSequence(rng);
      return { input, outcome: checkSocketSequence(protocol, input) };
    });
    // Both branches must really be exercised, or the fuzzer proves nothing.
    expect(counts.valid).toBeGreaterThan(1_000);
    expect(counts.rejected).toBeGreaterThan(10_000);
  });

  it("random strings and bytes: valid packets or ProtocolError", () => {
    const counts = run("random", 40_000, SEED + 1, (rng) => {
      const input = rng() < 0.8 ? [randomString(rng, 60)] : [randomBytes(rng, 32)];
      return { input, outcome: checkSocketSequence(protocol, input) };
    });
    expect(counts.rejected).toBeGreaterThan(10_000);
    expect(counts.valid + counts.rejected).toBe(40_000);
  });

  it("extremes: very deep nesting, oversized frames, huge counts, invalid UTF-8", () => {
    const counts = run("extreme", 400, SEED + 4, (rng) => {
      const input = extremeSocketSequence(rng);
      return { input, outcome: checkSocketSequence(protocol, input) };
    });
    expect(counts.valid).toBeGreaterThan(20);
    expect(counts.rejected).toBeGreaterThan(100);
  });

  it("oracle: every text frame socket.io-parser rejects, we reject", () => {
    let theyAccepted = 0;
    const counts = run("oracle", 40_000, SEED + 2, (rng) => {
      const [text] = socketSequence(rng);
      const input = typeof text === "string" ? text : randomString(rng);
      const accepted = checkAgainstOracle(protocol, () => new official.Decoder(), input);
      if (accepted) theyAccepted++;
      return { input, outcome: accepted ? "valid" : "rejected" };
    });
    expect(theyAccepted).toBeGreaterThan(1_000);
    expect(counts.rejected).toBeGreaterThan(5_000);
  });

  it("encoder oracle: random values encode to socket.io-parser's exact frames and decode back", () => {
    let binary = 0;
    const rng = mulberry32(SEED + 3);
    for (let index = 0; index < 15_000; index++) {
      const packet = randomEncodablePacket(protocol, rng);
      try {
        if (checkEncoderAgainstOracle(protocol, () => new official.Encoder(), packet)) binary++;
      } catch (err) {
        throw new Error(`[encoder] ${describeFailure(SEED + 3, index, packet, err)}`);
      }
    }
    expect(binary).toBeGreaterThan(3_000);
  });
});
