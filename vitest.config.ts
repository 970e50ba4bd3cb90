import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start servers on ports of their own; files still run in parallel.
    pool: "forks",
    // Prints the figures the fault and isolation tests count (test/faults/figures.ts).
    globalSetup: ["test/faults/report.ts"],
  },
});
