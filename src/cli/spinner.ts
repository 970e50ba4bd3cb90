/** A one-line progress indicator on a terminal; plain lines when the stream is not a TTY. */
export class Spinner {
  private timer?: NodeJS.Timeout;
  private frame = 0;
  private text = "";

  constructor(private readonly stream: NodeJS.WriteStream) {}

  start(text: string): void {
    this.text = text;
    if (!this.stream.isTTY) {
      this.stream.write(`${text}...\n`);
      return;
    }
    this.timer = setInterval(() => this.draw(), 100);
    this.draw();
  }

  private lastLine = 0;

  update(text: string): void {
    if (text === this.text) return;
    this.text = text;
    // Without a terminal each update is a new line: at most one every two seconds.
    if (!this.stream.isTTY && Date.now() - this.lastLine >= 2000) {
      this.lastLine = Date.now();
      this.stream.write(`${text}...\n`);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.stream.isTTY) this.stream.write("\r\x1b[K");
  }

  private draw(): void {
    const frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
    this.stream.write(`\r\x1b[K${frames[this.frame++ % frames.length]} ${this.text}`);
  }
}
