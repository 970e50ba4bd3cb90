import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Which threads belong to which user, for the terminal's /threads. The checkpointer keeps the
 * threads themselves but does not record their owner, so the terminal keeps this small index.
 */
export interface ThreadRegistry {
  add(userId: string, threadId: string): void;
  list(userId: string): string[];
}

export class FileThreadRegistry implements ThreadRegistry {
  constructor(private readonly path: string) {}

  add(userId: string, threadId: string): void {
    const all = this.read();
    const mine = all[userId] ?? [];
    if (mine.includes(threadId)) return;
    all[userId] = [threadId, ...mine];
    mkdirSync(dirname(this.path), { recursive: true });
    // Write-then-rename, so a crash never leaves half a file.
    writeFileSync(this.path + ".tmp", JSON.stringify(all, null, 2));
    renameSync(this.path + ".tmp", this.path);
  }

  list(userId: string): string[] {
    return this.read()[userId] ?? [];
  }

  private read(): Record<string, string[]> {
    if (!existsSync(this.path)) return {};
    try {
      return JSON.parse(readFileSync(this.path, "utf8"));
    } catch {
      return {};
    }
  }
}

export class InMemoryThreadRegistry implements ThreadRegistry {
  private threads = new Map<string, string[]>();
  add(userId: string, threadId: string): void {
    const mine = this.threads.get(userId) ?? [];
    if (!mine.includes(threadId)) this.threads.set(userId, [threadId, ...mine]);
  }
  list(userId: string): string[] {
    return this.threads.get(userId) ?? [];
  }
}
