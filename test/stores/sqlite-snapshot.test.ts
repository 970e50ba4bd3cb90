import { describe, expect, it } from "vitest";
import { normalize } from "../../src/search/vector.js";
import { tokenize } from "../../src/search/tokenize.js";
import { compileFilter, isValidAt } from "../../src/memory/filter.js";
import type { MemoryFilter } from "../../src/memory/types.js";
import { topByScore } from "../../src/search/top-k.js";
import { CANDIDATE_FACTOR, eligibleWhere, EXACT_SCAN_MAX, UserSnapshot } from "../../src/stores/sqlite/snapshot.js";
import { DIMS, memory, seededVector } from "./fixtures.js";

const bytes = (v: number[]) => new Uint8Array(normalize(v).buffer);
const tokens = (text: string) => tokenize(text).join(" ");

/** The positions of a snapshot that `keep` accepts (all by default), as a search pass's Eligible. */
const where = (snap: UserSnapshot, keep: (position: number) => boolean = () => true) => eligibleWhere(snap.size, keep);

describe("UserSnapshot", () => {
  it("marks as eligible exactly what isValidAt, the period and the filter accept", () => {
    const snap = UserSnapshot.fromRows(0, [], DIMS);
    const day = (d: number) => new Date(Date.UTC(2024, 0, 1) + d * 86_400_000).toISOString();
    const records = Array.from({ length: 120 }, (_, i) =>
      memory("u", `t${i}`, {
        id: `m${String(i).padStart(3, "0")}`,
        createdAt: day(i),
        validFrom: day(i),
        validTo: i % 5 === 0 ? day(i + 20) : null,
        expiresAt: i % 7 === 0 ? day(i + 10) : i % 11 === 0 ? "2024-03" : null,
        eventTime: i % 3 === 0 ? day(i + 1).slice(0, 10) : i % 13 === 0 ? "not a date" : null,
        category: i % 2 === 0 ? "preference" : "event",
      }),
    );
    records.forEach((r, i) => snap.upsert(i, r, bytes(seededVector(i)), tokens(r.text)));
    snap.remove(4);
    const period = { gte: day(30), lt: day(70) };
    const ids: MemoryFilter = { id: { in: ["m010", "m011", "m050", "m051", "nope"] } };
    const filters: (MemoryFilter | undefined)[] = [
      undefined,
      { category: "preference" },
      ids,
      { AND: [ids, { category: "preference" }] },
    ];
    const validities = [{ kind: "current", now: day(60) }, { kind: "asOf", time: day(45) }, { kind: "all" }] as const;
    for (const validity of validities) {
      for (const withPeriod of [false, true]) {
        for (const filter of filters) {
          const expected = snap.records.map((r) => {
            const time = Date.parse(r.eventTime ?? r.createdAt);
            const inPeriod = !withPeriod || (time >= Date.parse(period.gte) && time < Date.parse(period.lt));
            return isValidAt(r, validity) && inPeriod && compileFilter(filter)(r) ? 1 : 0;
          });
          const eligible = snap.eligible(validity, withPeriod ? period : undefined, filter);
          expect([...eligible.flags]).toEqual(expected);
          expect(eligible.count).toBe(expected.reduce((a: number, b) => a + b, 0));
        }
      }
    }
  });

  it("stays equal to a fresh build through upserts, replacements and removals", () => {
    const user = "u";
    const live = new Map<number, { id: string; vector: number[] }>();
    const snap = UserSnapshot.fromRows(0, [], DIMS);
    let removals = 0;
    for (let step = 0; step < 400; step++) {
      const seq = Math.floor(Math.abs(Math.sin(step * 12.9898)) * 60);
      if (step % 4 === 3) {
        if (live.has(seq)) removals++;
        snap.remove(seq);
        live.delete(seq);
      } else {
        const entry = { id: `m${seq}`, vector: seededVector(step) };
        snap.upsert(
          seq,
          memory(user, `text word${step}`, { id: entry.id }),
          bytes(entry.vector),
          tokens(`text word${step}`),
        );
        live.set(seq, entry);
      }
    }
    expect(removals).toBeGreaterThan(20);
    expect(snap.size).toBe(live.size);
    const query = normalize(seededVector(9999));
    const dot = (v: number[]) => normalize(v).reduce((s, x, j) => s + x * query[j], 0);
    const expected = [...live.values()].sort((a, b) => dot(b.vector) - dot(a.vector)).map((e) => e.id);
    const ranked = snap.denseRanking(query, live.size, where(snap)).map((c) => snap.records[c.position].id);
    expect(ranked).toEqual(expected);
    // The lexical index followed too: every live record is found by its own word, no removed one is.
    for (const e of live.values()) {
      const word = snap.records.find((r) => r.id === e.id)!.text.split(" ")[1];
      expect(snap.lexicalRanking([word], 5, where(snap)).map((c) => snap.records[c.position].id)).toEqual([e.id]);
    }
    expect(snap.lexicalRanking(["text"], 1000, where(snap))).toHaveLength(live.size);
  });

  it("reuses a query's scores for a second filter, and never after the data changed", () => {
    const snap = UserSnapshot.fromRows(0, [], DIMS);
    for (let i = 0; i < 50; i++)
      snap.upsert(i, memory("u", `t${i}`, { id: `m${i}` }), bytes(seededVector(i)), tokens(`t${i}`));
    const query = seededVector(4242);
    const ids = (ranked: { position: number }[]) => ranked.map((c) => snap.records[c.position].id);
    const best = ids(snap.denseRanking(query, 5, where(snap)));
    const evenOnly = ids(
      snap.denseRanking(
        query,
        5,
        where(snap, (i) => i % 2 === 0),
      ),
    );
    const fresh = UserSnapshot.fromRows(0, [], DIMS);
    for (let i = 0; i < 50; i++)
      fresh.upsert(i, memory("u", `t${i}`, { id: `m${i}` }), bytes(seededVector(i)), tokens(`t${i}`));
    expect(evenOnly).toEqual(
      ids(
        fresh.denseRanking(
          [...query],
          5,
          where(fresh, (i) => i % 2 === 0),
        ),
      ),
    );
    // The best record becomes the query itself's opposite: the cached scores must not be reused.
    const top = snap.records.findIndex((r) => r.id === best[0]);
    snap.upsert(top, memory("u", "changed", { id: best[0] }), bytes(query.map((x) => -x)), tokens("changed"));
    expect(ids(snap.denseRanking(query, 5, where(snap)))[0]).not.toBe(best[0]);
    expect(ids(snap.denseRanking(query, 50, where(snap))).at(-1)).toBe(best[0]);
  });

  describe("above the exact-scan size, the byte-vector pick", () => {
    const k = 10;
    // 64 dimensions: the store's tests use 8, too few for bytes to tell random vectors apart.
    const D = 64;
    const vec = (seed: number) =>
      Array.from({ length: D }, (_, j) => (Math.sin(seed * 12.9898 + j * 78.233) * 43758.5453) % 1);
    const n = 3 * EXACT_SCAN_MAX;
    const build = (vectorOf: (i: number) => number[]) => {
      const snap = UserSnapshot.fromRows(0, [], D);
      for (let i = 0; i < n; i++)
        snap.upsert(i, memory("u", `t${i}`, { id: `m${i}` }), bytes(vectorOf(i)), tokens(`t${i}`));
      return snap;
    };
    const exactTop = (snap: UserSnapshot, query: number[], accept: (i: number) => boolean) => {
      const q = normalize(query);
      const scores = Float32Array.from(snap.records, (_, i) => {
        const v = normalize(seededVectorOf(snap, i));
        return v.reduce((s, x, j) => s + x * q[j], 0);
      });
      return topByScore(scores, k, eligibleWhere(scores.length, accept).flags);
    };
    let vectors: number[][] = [];
    const seededVectorOf = (_snap: UserSnapshot, i: number) => vectors[i];

    it("finds the exact best when the vectors cluster, as embeddings do", () => {
      // Ten clusters around random centres: the query sits in one of them.
      const centres = Array.from({ length: 10 }, (_, c) => vec(10_000 + c));
      vectors = Array.from({ length: n }, (_, i) => centres[i % 10].map((x, j) => x + 0.3 * vec(i)[j]));
      const snap = build((i) => vectors[i]);
      const query = centres[3].map((x, j) => x + 0.3 * vec(77_777)[j]);
      const picked = snap.denseRanking(query, k, where(snap)).map((c) => c.position);
      expect(picked).toEqual(exactTop(snap, query, () => true));
      // The bytes, made by that search, follow later writes: growth past capacity, replacements, removals.
      for (let i = n; i < 2 * n; i++) {
        vectors[i] = centres[i % 10].map((x, j) => x + 0.3 * vec(i)[j]);
        snap.upsert(i, memory("u", `t${i}`, { id: `m${i}` }), bytes(vectors[i]), tokens(`t${i}`));
      }
      for (let i = 0; i < n; i += 3) snap.remove(i);
      vectors = snap.records.map((r) => vectors[Number(r.id.slice(1))]);
      const again = snap.denseRanking([...query], k, where(snap)).map((c) => c.position);
      expect(again).toEqual(exactTop(snap, query, () => true));
    });

    it("ranks only accepted records, and still finds k of them under a narrow filter", () => {
      vectors = Array.from({ length: n }, (_, i) => vec(i));
      const snap = build((i) => vectors[i]);
      const narrow = (i: number) => i % 50 === 7;
      const picked = snap.denseRanking(vec(4242), k, where(snap, narrow)).map((c) => c.position);
      expect(picked).toHaveLength(k);
      expect(picked.every(narrow)).toBe(true);
      // A filter leaving no more than EXACT_SCAN_MAX is ranked exactly among what it leaves.
      expect(picked).toEqual(exactTop(snap, vec(4242), narrow));
    });

    it("asks the scan of all for more candidates while fewer than k of them may be returned", () => {
      const centres = Array.from({ length: 10 }, (_, c) => vec(20_000 + c));
      vectors = Array.from({ length: n }, (_, i) => centres[i % 10].map((x, j) => x + 0.3 * vec(i)[j]));
      const snap = build((i) => vectors[i]);
      const query = centres[4].map((x, j) => x + 0.3 * vec(88_888)[j]);
      // Nine tenths of the records (too many to gather), but only those of other clusters than the
      // query's: the scan's nearest candidates are refused until it is asked for more.
      const otherClusters = (i: number) => i % 10 !== 4;
      const picked = snap.denseRanking(query, k, where(snap, otherClusters)).map((c) => c.position);
      expect(picked).toHaveLength(k);
      expect(picked.every(otherClusters)).toBe(true);
      expect(picked).toEqual(exactTop(snap, query, otherClusters));
      expect(CANDIDATE_FACTOR * k).toBeLessThan(n / 2);
    });

    it("ranks a pass that may return a small share of a large user among just those records' bytes", () => {
      const big = 10 * EXACT_SCAN_MAX;
      const centres = Array.from({ length: 10 }, (_, c) => vec(30_000 + c));
      vectors = Array.from({ length: big }, (_, i) => centres[i % 10].map((x, j) => x + 0.3 * vec(i)[j]));
      const snap = UserSnapshot.fromRows(0, [], D);
      for (let i = 0; i < big; i++)
        snap.upsert(i, memory("u", `t${i}`, { id: `m${i}` }), bytes(vectors[i]), tokens(`t${i}`));
      const query = centres[2].map((x, j) => x + 0.3 * vec(99_999)[j]);
      const ninth = (i: number) => i % 9 === 0;
      expect(where(snap, ninth).count).toBeGreaterThan(EXACT_SCAN_MAX);
      const picked = snap.denseRanking(query, k, where(snap, ninth)).map((c) => c.position);
      expect(picked.every(ninth)).toBe(true);
      expect(picked).toEqual(exactTop(snap, query, ninth));
    });

    it("keeps most of the exact top k on random vectors, the hardest case", () => {
      vectors = Array.from({ length: n }, (_, i) => vec(i));
      const snap = build((i) => vectors[i]);
      let kept = 0;
      for (let q = 0; q < 20; q++) {
        const query = vec(50_000 + q);
        const exact = new Set(exactTop(snap, query, () => true));
        kept += snap.denseRanking(query, k, where(snap)).filter((c) => exact.has(c.position)).length;
      }
      // Picking by chance would keep about CANDIDATE_FACTOR × k / n: under 1 %.
      expect(kept / (20 * k)).toBeGreaterThan(0.9);
    });
  });

  it("holds 20,000 small users at once", () => {
    const held: UserSnapshot[] = [];
    for (let u = 0; u < 20_000; u++) {
      const snap = UserSnapshot.fromRows(0, [], DIMS);
      snap.upsert(1, memory(`u${u}`, "tea", { id: `m${u}` }), bytes(seededVector(u)), tokens("tea"));
      expect(snap.denseRanking(seededVector(u), 5, where(snap))).toHaveLength(1);
      held.push(snap);
    }
    expect(held).toHaveLength(20_000);
  });
});
