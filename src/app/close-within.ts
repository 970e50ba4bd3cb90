/** Ending a process whose stores may be slow to close. Its own module: no model stack is loaded with it. */

/** What closing needs of a runtime (app/runtime.ts). */
interface Closable {
  close(): Promise<void>;
  /** What closing is waiting for now ("" when it is not closing). */
  closingStep(): string;
}

/**
 * Closes the runtime, or gives up waiting after `ms`: then `onSlow` hears what it was waiting for
 * (a command that has printed its result should end rather than hang on a store that will not close).
 */
export async function closeWithin(runtime: Closable, ms: number, onSlow: (step: string) => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<void>((done) => {
    timer = setTimeout(() => {
      onSlow(runtime.closingStep() || "the stores");
      done();
    }, ms);
  });
  await Promise.race([runtime.close().catch(() => undefined), slow]);
  clearTimeout(timer);
}
