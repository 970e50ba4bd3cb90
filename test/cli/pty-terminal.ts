/**
 * A program run inside a pseudo-terminal for tests, driven like a person at a keyboard: keys go in
 * as bytes, the screen comes back as text, and every wait is for something to show (with a
 * deadline), never a fixed sleep. The pseudo-terminal comes from util-linux `script`, or Python's
 * `pty` module where `script` is missing; `ptyLauncher()` says why when neither is there.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";

/** How to start a shell command inside a pseudo-terminal, or why that is not possible here. */
export type PtyLauncher = { name: string; argv: (shellCommand: string) => string[] } | { missing: string };

const PYTHON_PTY = "import os, pty, sys; sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))";

export function ptyLauncher(): PtyLauncher {
  // `script -e` exits with the program's code; `-f` flushes every write, so the screen is live.
  if (spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0) {
    return { name: "script", argv: (cmd) => ["script", "-qfec", cmd, "/dev/null"] };
  }
  if (spawnSync("python3", ["-c", "import os, pty; os.waitstatus_to_exitcode"], { encoding: "utf8" }).status === 0) {
    return { name: "python3 pty", argv: (cmd) => ["python3", "-c", PYTHON_PTY, "sh", "-c", cmd] };
  }
  return {
    missing:
      "neither util-linux `script` (apt-get install bsdutils) nor python3 (3.9 or newer, for its pty module) is installed",
  };
}

/** Quotes a word for sh. */
export function shellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b[>=()][0-9A-Za-z]?|\r/g;

/** The text of terminal output without escape sequences and carriage returns. */
export function stripAnsi(raw: string): string {
  return raw.replace(ANSI, "");
}

interface Waiter {
  check: () => boolean;
  done: () => void;
}

export class PtyProgram {
  /** Everything the program wrote, escape sequences included. */
  raw = "";
  /** The pieces as they arrived: a streamed answer comes in many. */
  reads: string[] = [];
  exitCode: number | null = null;
  readonly exited: Promise<number>;
  private readonly child: ChildProcess;
  private waiters: Waiter[] = [];

  /** Starts `shellCommand` in a pseudo-terminal of 80 columns by 24 rows. */
  constructor(
    launcher: Exclude<PtyLauncher, { missing: string }>,
    shellCommand: string,
    options: { cwd: string; env: NodeJS.ProcessEnv },
  ) {
    const [bin, ...args] = launcher.argv(`stty cols 80 rows 24 && exec ${shellCommand}`);
    this.child = spawn(bin, args, { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout!.setEncoding("utf8");
    this.child.stderr!.setEncoding("utf8");
    const take = (text: string) => {
      this.raw += text;
      this.reads.push(text);
      this.wake();
    };
    this.child.stdout!.on("data", take);
    this.child.stderr!.on("data", take);
    this.exited = new Promise((resolve) =>
      this.child.on("exit", (code, signal) => {
        this.exitCode = code ?? (signal ? 128 : -1);
        this.wake();
        resolve(this.exitCode);
      }),
    );
  }

  /** The screen's text (escapes stripped) from a mark taken with `mark()`. */
  text(from = 0): string {
    return stripAnsi(this.raw.slice(from));
  }

  mark(): number {
    return this.raw.length;
  }

  /** Sends keys as the terminal would: a string as UTF-8, or bytes exactly as given. */
  press(keys: string | Uint8Array): void {
    this.child.stdin!.write(keys);
  }

  /**
   * Waits until the screen after `from` shows `what` (text, pattern, or a test of the text), and
   * returns that text; fails with what the screen shows when the deadline passes or the program ends.
   */
  waitFor(what: string | RegExp | ((text: string) => boolean), from = 0, timeoutMs = 30_000): Promise<string> {
    const test =
      typeof what === "function"
        ? what
        : typeof what === "string"
          ? (t: string) => t.includes(what)
          : (t: string) => what.test(t);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          const seen = this.text(from);
          if (test(seen)) {
            resolve(seen);
            return true;
          }
          if (this.exitCode !== null) {
            reject(
              new Error(
                `the program ended (code ${this.exitCode}) before showing ${String(what)}; the screen shows:\n${seen}`,
              ),
            );
            return true;
          }
          return false;
        },
        done: () => clearTimeout(timer),
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`did not see ${String(what)} within ${timeoutMs} ms; the screen shows:\n${this.text(from)}`));
      }, timeoutMs);
      if (waiter.check()) return waiter.done();
      this.waiters.push(waiter);
    });
  }

  /** Waits until the line being edited shows `text` with the cursor at `cursor` (see `editLine`). */
  waitForLine(text: string, cursor: number, timeoutMs = 10_000): Promise<string> {
    return this.waitFor(
      () => {
        const line = editLine(this.raw);
        return line.text === text && line.cursor === cursor;
      },
      0,
      timeoutMs,
    ).catch((e: Error) => {
      const line = editLine(this.raw);
      throw new Error(
        `the line should read ${JSON.stringify(text)} with the cursor at column ${cursor}; it reads ${JSON.stringify(line.text)} with the cursor at ${line.cursor}\n${e.message}`,
      );
    });
  }

  kill(): void {
    if (this.exitCode === null) this.child.kill("SIGKILL");
  }

  private wake(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.done();
      return false;
    });
  }
}

// East Asian Wide and Fullwidth characters take two columns on a terminal.
const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u;

/**
 * What a terminal shows on its last line, and the cursor's column, after `raw` is drawn: enough of
 * a terminal (carriage return, line feed, cursor moves, erasing, two-column wide characters) to
 * check that line editing draws what it edits.
 */
export function editLine(raw: string): { text: string; cursor: number } {
  let cells: string[] = [];
  let col = 0;
  // eslint-disable-next-line no-control-regex
  const tokens = raw.match(/\u001b\[[0-9;?]*[A-Za-z]|\u001b[^[]|[\s\S]/gu) ?? [];
  for (const token of tokens) {
    if (token === "\r") col = 0;
    else if (token === "\n") cells = [];
    else if (token === "\b") col = Math.max(0, col - 1);
    else if (token.startsWith("\u001b[")) {
      const n = Number(token.slice(2, -1).split(";")[0] || "0");
      const op = token.at(-1);
      if (op === "G") col = Math.max(0, (n || 1) - 1);
      else if (op === "C") col += n || 1;
      else if (op === "D") col = Math.max(0, col - (n || 1));
      else if (op === "K" && n === 2) cells = [];
      else if (op === "K" || op === "J") cells = cells.slice(0, col);
    } else if (token.startsWith("\u001b") || token < " ") {
      // Other escapes and control characters do not draw.
    } else {
      const width = WIDE.test(token) ? 2 : 1;
      while (cells.length < col) cells.push(" ");
      // A wide character covers its cell and the next; "" marks the covered one.
      cells.splice(col, width, token, ...(width === 2 ? [""] : []));
      col += width;
    }
  }
  return { text: cells.join("").trimEnd(), cursor: col };
}
