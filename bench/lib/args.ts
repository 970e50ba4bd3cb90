import { tmpdir } from "node:os";
import { join } from "node:path";

/** "5,10,20" → [5, 10, 20]; says which value is wrong. */
export function parseNumberList(flag: string, value: string): number[] {
  const numbers = value.split(",").map((s) => Number(s.trim()));
  const bad = numbers.find((n) => !Number.isInteger(n) || n <= 0);
  if (bad !== undefined || numbers.length === 0) {
    throw new Error(`--${flag} takes whole numbers above 0 separated by commas (e.g. 5,10,20), got "${value}"`);
  }
  return numbers;
}

export function parseChoiceList<T extends string>(flag: string, value: string, choices: readonly T[]): T[] {
  const items = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = items.find((s) => !choices.includes(s as T));
  if (bad !== undefined) throw new Error(`--${flag}: unknown "${bad}"; choose from ${choices.join(", ")}`);
  return items as T[];
}

/** Where embeddings of earlier runs are kept (outside the repository; holds hashes and vectors only). */
export function defaultEmbeddingCacheFile(embedderId: string, dims: number): string {
  return join(tmpdir(), "memory-chat-bench", `${embedderId.replace(/[^A-Za-z0-9._-]+/g, "_")}-${dims}.bin`);
}
