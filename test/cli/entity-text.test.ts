import { describe, expect, it } from "vitest";
import { youForm } from "../../src/cli/entity-text.js";

describe("entity timeline text", () => {
  it("says a relation of the user as 'you' takes it", () => {
    expect(["lives in", "works at", "studies at", "owns", "married to"].map(youForm)).toEqual([
      "live in",
      "work at",
      "study at",
      "own",
      "are married to",
    ]);
  });
});
