// Preloaded (NODE_OPTIONS=--import) into a dev-server process by test/faults/queue-figures.test.ts:
// every 100 ms it appends the longest event-loop delay of the last 100 ms to LOOP_DELAY_FILE.<pid>,
// so the test can read the stalls of exactly the time the queue worked.
import { appendFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

const file = process.env.LOOP_DELAY_FILE;
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  setInterval(() => {
    appendFileSync(`${file}.${process.pid}`, `${Date.now()} ${(histogram.max / 1e6).toFixed(1)}\n`);
    histogram.reset();
  }, 100).unref();
}
