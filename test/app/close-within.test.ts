import { describe, expect, it } from "vitest";
import { closeWithin } from "../../src/app/close-within.js";

describe("closeWithin", () => {
  it("waits for a close that ends, and says nothing", async () => {
    const heard: string[] = [];
    let closed = false;
    await closeWithin({ close: async () => void (closed = true), closingStep: () => "" }, 1000, (step) =>
      heard.push(step),
    );
    expect(closed).toBe(true);
    expect(heard).toEqual([]);
  });

  it("gives up on a close that never ends, naming what it was waiting for", async () => {
    const heard: string[] = [];
    const started = Date.now();
    await closeWithin(
      { close: () => new Promise<void>(() => undefined), closingStep: () => "the update queue" },
      50,
      (step) => heard.push(step),
    );
    expect(heard).toEqual(["the update queue"]);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
