import yoctoSpinner, { type Spinner as TerminalSpinner } from "yocto-spinner";

/** Without a terminal each update is a new line: at most one this often. */
const PLAIN_LINE_EVERY_MS = 2_000;

/**
 * A one-line progress indicator on a terminal (yocto-spinner); plain lines when the stream is not
 * one (a pipe, a log file, CI), where a spinner's redraws would only be noise.
 */
export class Spinner {
  private readonly terminal?: TerminalSpinner;
  private text = "";
  private lastLine = 0;

  constructor(private readonly stream: NodeJS.WriteStream) {
    // The same test as yocto-spinner's own: where it would not animate, the plain lines are written here.
    const interactive = stream.isTTY && process.env.TERM !== "dumb" && !("CI" in process.env);
    if (interactive) this.terminal = yoctoSpinner({ stream });
  }

  start(text: string): void {
    this.text = text;
    if (this.terminal) this.terminal.start(text);
    else this.stream.write(`${text}...\n`);
  }

  update(text: string): void {
    if (text === this.text) return;
    this.text = text;
    if (this.terminal) {
      if (this.terminal.isSpinning) this.terminal.text = text;
    } else if (Date.now() - this.lastLine >= PLAIN_LINE_EVERY_MS) {
      this.lastLine = Date.now();
      this.stream.write(`${text}...\n`);
    }
  }

  stop(): void {
    this.terminal?.stop();
  }
}
