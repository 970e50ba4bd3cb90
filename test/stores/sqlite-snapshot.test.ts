import { describe, expect, it } from "vitest";
import { normalize } from "../../src/search/vector.js";
import { UserSnapshot, topAccepted } from "../../src/stores/sqlite-snapshot.js";
import { DIMS, memory, seededVector } from "./fixtures.js";

const bytes = (v: number[]) => new Uint8Array(normalize(v).buffer);

describe("topAccepted", () => {
  it("returns the k best accepted indices, best first, like a full sort", () => {
    const scores = Float32Array.from({ length: 500 }, (_, i) => Math.round(Math.sin(i * 7.3) * 50) / 10);
    const accept = (i: number) => i % 3 !== 0;
    const bruteForce = [...scores.keys()].filter(accept).sort((a, b) => scores[b] - scores[a] || a - b);
    for (const k of [0, 1, 7, 50, 400, 1000]) expect(topAccepted(scores, k, accept)).toEqual(bruteForce.slice(0, k));
  });
});

describe("UserSnapshot", () => {
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
        snap.upsert(seq, memory(user, `text ${step}`, { id: entry.id }), bytes(entry.vector));
        live.set(seq, entry);
      }
    }
    expect(removals).toBeGreaterThan(20);
    expect(snap.size).toBe(live.size);
    const query = normalize(seededVector(9999));
    const dot = (v: number[]) => normalize(v).reduce((s, x, j) => s + x * query[j], 0);
    const expected = [...live.values()].sort((a, b) => dot(b.vector) - dot(a.vector)).map((e) => e.id);
    const ranked = snap.denseRanking(query, live.size, () => true).map((c) => snap.records[c.position].id);
    expect(ranked).toEqual(expected);
    for (const [seq, e] of live) expect(snap.records[snap.positionOfSeq(seq)!].id).toBe(e.id);
  });

  it("reuses a query's scores for a second filter, and never after the data changed", () => {
    const snap = UserSnapshot.fromRows(0, [], DIMS);
    for (let i = 0; i < 50; i++) snap.upsert(i, memory("u", `t${i}`, { id: `m${i}` }), bytes(seededVector(i)));
    const query = seededVector(4242);
    const ids = (ranked: { position: number }[]) => ranked.map((c) => snap.records[c.position].id);
    const best = ids(snap.denseRanking(query, 5, () => true));
    const evenOnly = ids(snap.denseRanking(query, 5, (i) => i % 2 === 0));
    const fresh = UserSnapshot.fromRows(0, [], DIMS);
    for (let i = 0; i < 50; i++) fresh.upsert(i, memory("u", `t${i}`, { id: `m${i}` }), bytes(seededVector(i)));
    expect(evenOnly).toEqual(ids(fresh.denseRanking([...query], 5, (i) => i % 2 === 0)));
    // The best record becomes the query itself's opposite: the cached scores must not be reused.
    const top = snap.records.findIndex((r) => r.id === best[0]);
    snap.upsert(top, memory("u", "changed", { id: best[0] }), bytes(query.map((x) => -x)));
    expect(ids(snap.denseRanking(query, 5, () => true))[0]).not.toBe(best[0]);
    expect(ids(snap.denseRanking(query, 50, () => true)).at(-1)).toBe(best[0]);
  });
});
