import { generateId } from "./generate-id.js";

describe("generateId", () => {
  it("makes 20-character URL-safe ids that do not repeat", () => {
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = generateId();
      expect(id).toMatch(/^[A-Za-z0-9_-]{20}$/);
      ids.add(id);
    }
    expect(ids.size).toBe(1000);
  });
});
