/**
 * The LangChain retriever view of one user's memories, on the product's own runtime: a real
 * SQLite file in a scratch DATA_DIR and the offline embedder, or (with QDRANT_URL set) collections
 * of this test's own in that Qdrant. Two users; the retriever of one never returns the other's.
 */
import { RunnableLambda } from "@langchain/core/runnables";
import type { Document } from "@langchain/core/documents";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime, type Runtime } from "../../src/app/runtime.js";
import { loadSettings } from "../../src/config/settings.js";
import { TenantViolationError } from "../../src/memory/filter.js";
import { memoryRetriever } from "../../src/memory/retriever.js";
import { InvalidInputError } from "../../src/memory/validation.js";
import { isolatedMemoryStore } from "../helpers/memory-store-env.js";

const qdrant = process.env.QDRANT_URL;
if (!qdrant)
  console.log("retriever test: the Qdrant variant is skipped: set QDRANT_URL to a running Qdrant (see docs/qdrant.md)");

describe.each([
  ["sqlite", true],
  ["qdrant", Boolean(qdrant)],
] as const)("memoryRetriever on the %s store", (kind, available) => {
  let runtime: Runtime;
  let dataDir: string;
  let drop = async () => {};

  beforeAll(async () => {
    if (!available) return;
    dataDir = mkdtempSync(join(tmpdir(), "retriever-"));
    const isolated =
      kind === "qdrant" ? isolatedMemoryStore("retriever") : { env: { MEMORY_STORE: "sqlite" }, drop: async () => {} };
    drop = isolated.drop;
    runtime = createRuntime(
      loadSettings({
        ...process.env,
        DATA_DIR: dataDir,
        LOG_LEVEL: "silent",
        EMBEDDING_MODEL: "local:use-lite",
        ...isolated.env,
      }),
      { withoutChatModels: true },
    );
    const engine = await runtime.memory();
    const add = (userId: string, facts: string[], time: string) =>
      engine.add("", { userId, infer: false, time, facts: facts.map((text) => ({ text, category: "preference" })) });
    await add(
      "alice",
      ["I am allergic to peanuts", "My sister lives in Lisbon", "I drink green tea every morning"],
      "2026-03-01T09:00:00Z",
    );
    await add("bob", ["I am allergic to shellfish", "Bob's brother lives in Lisbon"], "2026-03-01T09:00:00Z");
    await add("alice", ["I live in Porto"], "2026-01-01T09:00:00Z");
  }, 120_000);

  afterAll(async () => {
    if (!available) return;
    await runtime.close();
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.skipIf(!available)(
    "returns the user's own matching memories as documents, best first, with their ranks",
    async () => {
      const docs = await memoryRetriever({ engine: await runtime.memory(), userId: "alice", k: 3 }).invoke(
        "what am I allergic to?",
      );
      expect(docs.length).toBeGreaterThan(0);
      expect(docs.length).toBeLessThanOrEqual(3);
      expect(docs[0].pageContent).toBe("I am allergic to peanuts");
      expect(docs.every((d) => d.metadata.userId === "alice")).toBe(true);
      expect(docs[0].id).toBe(docs[0].metadata.id);
      expect(docs[0].metadata.lexicalRank).toBe(1);
      const scores = docs.map((d) => d.metadata.score as number);
      expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    },
  );

  it.skipIf(!available)("never returns another user's memories, even for words only they share", async () => {
    const alice = memoryRetriever({ engine: await runtime.memory(), userId: "alice", k: 10 });
    const bob = memoryRetriever({ engine: await runtime.memory(), userId: "bob", k: 10 });
    const aliceDocs = await alice.invoke("shellfish allergy brother Lisbon");
    const bobDocs = await bob.invoke("shellfish allergy brother Lisbon");
    expect(aliceDocs.map((d) => d.pageContent)).not.toContain("I am allergic to shellfish");
    expect(aliceDocs.every((d) => d.metadata.userId === "alice")).toBe(true);
    expect(bobDocs.map((d) => d.pageContent)).toContain("I am allergic to shellfish");
    expect(bobDocs.every((d) => d.metadata.userId === "bob")).toBe(true);
  });

  it.skipIf(!available)("refuses a filter that names another user instead of widening the search", async () => {
    const sneaky = memoryRetriever({ engine: await runtime.memory(), userId: "alice", filter: { user_id: "bob" } });
    await expect(sneaky.invoke("allergic")).rejects.toBeInstanceOf(TenantViolationError);
  });

  it.skipIf(!available)("passes the search options on: asOf sees only what held then", async () => {
    const engine = await runtime.memory();
    const february = await memoryRetriever({ engine, userId: "alice", asOf: "2026-02-01T00:00:00Z", k: 10 }).invoke(
      "where do I live, what do I drink",
    );
    expect(february.map((d) => d.pageContent)).toEqual(["I live in Porto"]);
    const today = await memoryRetriever({ engine, userId: "alice", k: 10 }).invoke("where do I live, what do I drink");
    expect(today.map((d) => d.pageContent)).toEqual(
      expect.arrayContaining(["I live in Porto", "I drink green tea every morning"]),
    );
  });

  it.skipIf(!available)("works as the first step of a RAG chain", async () => {
    const format = RunnableLambda.from((docs: Document[]) => docs.map((d) => `- ${d.pageContent}`).join("\n"));
    const chain = memoryRetriever({ engine: await runtime.memory(), userId: "alice", k: 1 }).pipe(format);
    expect(await chain.invoke("green tea")).toBe("- I drink green tea every morning");
  });

  it.skipIf(!available)("rejects an invalid user id when it is made, not on first use", async () => {
    expect(() => memoryRetriever({ engine: { search: async () => [] }, userId: "" })).toThrow(InvalidInputError);
  });
});
