/**
 * Does feedback do its job? On LoCoMo's dialogue turns (one user per conversation, stored as the
 * LoCoMo benchmark stores them), each question's hits are probed one feedback at a time, the
 * memory's marks reset after each probe so probes never see each other:
 * - wrong on the first hit: is it gone from the top 10?
 * - down on the first hit: where does it rank now (one down, and two)?
 * - up on the fifth hit: where does it rank now?
 * - use of the lower of two neighbours of nearly equal score (within 5 %), at the questions' date:
 *   is it above now?
 * For each feedback step tried (the bounds three steps out), so the default is chosen by what it does.
 *
 *   npm run bench:feedback -- [--input <locomo.json>] [--out bench/results/feedback.json]
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { MemoryEngine } from "../../src/memory/engine.js";
import { loadSettings } from "../../src/config/settings.js";
import { defaultEmbeddingCacheFile } from "../lib/args.js";
import { CachedEmbeddings } from "../lib/cached-embeddings.js";
import { createBenchEmbedder } from "../lib/embedder.js";
import { parseLocomo } from "../lib/locomo.js";
import { openEmbeddedStore } from "../lib/stores.js";
import { joinSourceIds, sessionDocs } from "../locomo/documents.js";

const STEPS = [1.1, 1.25, 1.5, 2];
const K = 10;
/** A memory that left the top K counts as rank K + 1. */
const GONE = K + 1;

const { values } = parseArgs({
  options: {
    input: { type: "string", default: "../shared/data/locomo/locomo-dev.json" },
    out: { type: "string", default: "bench/results/feedback.json" },
  },
});

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const share = (xs: boolean[]) => Number((xs.filter(Boolean).length / Math.max(1, xs.length)).toFixed(3));

async function main(): Promise<void> {
  const data = parseLocomo(JSON.parse(readFileSync(resolve(values.input!), "utf8")));
  const embedder = await createBenchEmbedder();
  const embeddings = new CachedEmbeddings(embedder.embeddings, embedder.dims, {
    cacheFile: defaultEmbeddingCacheFile(embedder.id, embedder.dims),
  });
  const halfLifeDays = loadSettings().MEMORY_HALF_LIFE_DAYS;
  const bench = await openEmbeddedStore();
  const engineFor = (step: number) =>
    new MemoryEngine({
      store: bench.store,
      entities: bench.entities,
      embeddings,
      dims: embedder.dims,
      queryCoverage: embedder.coverage,
      halfLifeDays,
      feedback: { step, maxWeight: step ** 3 },
    });
  const ingest = engineFor(1);
  const users: { userId: string; now: string; questions: string[] }[] = [];
  for (const conv of data.conversations) {
    const userId = `feedback-${conv.id}`;
    for (const session of sessionDocs(conv, "turns")) {
      await ingest.add("", {
        userId,
        infer: false,
        time: session.time,
        facts: session.docs.map((d) => ({
          text: d.text,
          sourceId: joinSourceIds(d.sourceIds),
          eventTime: d.time,
          context: d.context,
        })),
      });
    }
    users.push({
      userId,
      now: conv.sessions.at(-1)!.time,
      questions: conv.questions.filter((q) => q.category <= 4).map((q) => q.question),
    });
  }

  const results = [];
  for (const step of STEPS) {
    const engine = engineFor(step);
    const wrongGone: boolean[] = [];
    const downRanks: number[] = [];
    const twoDownRanks: number[] = [];
    const upRanks: number[] = [];
    const usedAbove: boolean[] = [];
    for (const { userId, now, questions } of users) {
      const top = async (q: string) =>
        (await engine.search(q, { userId, limit: K, now })).map((h) => ({ id: h.memory.id, score: h.score }));
      const rankOf = async (q: string, id: string) => {
        const i = (await top(q)).findIndex((h) => h.id === id);
        return i < 0 ? GONE : i + 1;
      };
      const reset = (id: string) => bench.store.mark(userId, id, { weight: 1, validTo: null });
      for (const q of questions) {
        const hits = await top(q);
        if (hits.length < 5) continue;
        const first = hits[0].id;
        await engine.feedback(first, "wrong", { userId });
        wrongGone.push((await rankOf(q, first)) === GONE);
        await reset(first);
        await engine.feedback(first, "down", { userId });
        downRanks.push(await rankOf(q, first));
        await engine.feedback(first, "down", { userId });
        twoDownRanks.push(await rankOf(q, first));
        await reset(first);
        const fifth = hits[4].id;
        await engine.feedback(fifth, "up", { userId });
        upRanks.push(await rankOf(q, fifth));
        await reset(fifth);
      }
      // Use does not depend on the step, and cannot be undone: measured once, after the last
      // step's probes, uses adding up over a conversation's questions as they would in a chat.
      if (step !== STEPS.at(-1)) continue;
      for (const q of questions) {
        const hits = await top(q);
        const pair = hits.findIndex((h, i) => i > 0 && h.score >= 0.95 * hits[i - 1].score);
        if (pair < 0) continue;
        await bench.store.recordUse(userId, [hits[pair].id], now);
        usedAbove.push((await rankOf(q, hits[pair].id)) <= pair);
      }
    }
    const row = {
      step,
      maxWeight: Number((step ** 3).toFixed(3)),
      probes: wrongGone.length,
      wrongGoneFromTop10: share(wrongGone),
      downOnceMedianRank: median(downRanks),
      downOnceStillInTop10: share(downRanks.map((r) => r <= K)),
      downTwiceMedianRank: median(twoDownRanks),
      downTwiceStillInTop10: share(twoDownRanks.map((r) => r <= K)),
      upFromRank5MedianRank: median(upRanks),
      ...(usedAbove.length ? { nearTiesUsedNowAbove: share(usedAbove), nearTies: usedAbove.length } : {}),
    };
    console.log(JSON.stringify(row));
    results.push(row);
  }
  await bench.dispose();
  const out = resolve(values.out!);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(
      { input: values.input, embedder: embedder.id, halfLifeDays, k: K, results, ranAt: new Date().toISOString() },
      null,
      2,
    ) + "\n",
  );
  console.log(`wrote ${out}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
