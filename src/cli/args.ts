/** A small `--name value` / `--flag` parser: the CLIs take few options and need no dependency. */
export function parseArgs(argv: string[]): { positional: string[]; options: Record<string, string | true> } {
  const positional: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith("--")) {
      const [name, inline] = arg.slice(2).split("=", 2);
      if (inline !== undefined) options[name] = inline;
      else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) options[name] = argv[++i];
      else options[name] = true;
    } else {
      positional.push(arg);
    }
  }
  return { positional, options };
}

export function stringOption(options: Record<string, string | true>, name: string, fallback?: string): string | undefined {
  const v = options[name];
  if (v === true) throw new Error(`--${name} needs a value`);
  return v ?? fallback;
}
