/** The chat's progress line: a spinner on a terminal, plain throttled lines anywhere else. */
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Spinner } from "../../src/cli/spinner.js";

function stream(isTTY: boolean): { stream: NodeJS.WriteStream; written: () => string } {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  let out = "";
  s.on("data", (d) => (out += String(d)));
  Object.assign(s, { isTTY, columns: 80, cursorTo: () => true, moveCursor: () => true, clearLine: () => true });
  return { stream: s, written: () => out };
}

describe("Spinner", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
  });

  it("writes plain lines without a terminal, at most one update every two seconds", async () => {
    vi.useFakeTimers({ now: 10_000 });
    const { stream: s, written } = stream(false);
    const spinner = new Spinner(s);
    spinner.start("loading the chat model");
    spinner.update("downloading 10%");
    spinner.update("downloading 20%");
    vi.advanceTimersByTime(1_000);
    spinner.update("downloading 30%");
    vi.advanceTimersByTime(1_500);
    spinner.update("downloading 40%");
    spinner.stop();
    await vi.runAllTimersAsync();
    expect(written()).toBe("loading the chat model...\ndownloading 10%...\ndownloading 40%...\n");
  });

  it("draws one line on a terminal and clears it on stop", async () => {
    vi.stubEnv("TERM", "xterm-256color");
    vi.stubEnv("CI", undefined);
    const { stream: s, written } = stream(true);
    const spinner = new Spinner(s);
    spinner.start("remembering");
    spinner.update("still remembering");
    spinner.stop();
    await new Promise((r) => setImmediate(r));
    expect(written()).toContain("remembering");
    expect(written()).toContain("still remembering");
    expect(written()).not.toContain("...\n");
  });
});
