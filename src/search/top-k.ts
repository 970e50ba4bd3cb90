/**
 * The `k` best of some candidates, best first, by a bounded min-heap: O(n log k) instead of a full
 * sort, and `accept` (a filter check, dearer than a comparison) runs only on a candidate good
 * enough to enter the heap. `worse(a, b)` says whether a ranks below b; it must be a strict order.
 */
export function bestAccepted(
  candidates: ArrayLike<number>,
  k: number,
  worse: (a: number, b: number) => boolean,
  accept: (candidate: number) => boolean,
): number[] {
  if (k <= 0) return [];
  const heap: number[] = [];
  for (let c = 0; c < candidates.length; c++) {
    const item = candidates[c];
    if (heap.length === k && !worse(heap[0], item)) continue;
    if (!accept(item)) continue;
    if (heap.length < k) {
      heap.push(item);
      for (let i = heap.length - 1; i > 0;) {
        const p = (i - 1) >> 1;
        if (!worse(heap[i], heap[p])) break;
        [heap[i], heap[p]] = [heap[p], heap[i]];
        i = p;
      }
    } else {
      heap[0] = item;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && worse(heap[l], heap[m])) m = l;
        if (r < heap.length && worse(heap[r], heap[m])) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    }
  }
  return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
}

/**
 * Indices of the `k` highest scores, best first; with `flags`, only indices whose flag is 1. Ties
 * go to the lower index, or to the one `tieFirst(a, b)` puts first. The same bounded heap as
 * bestAccepted on typed arrays, with a callback only on a tie: the rankings run it over thousands
 * of scores per search.
 */
export function topByScore(
  scores: Float32Array | Float64Array,
  k: number,
  flags?: Uint8Array,
  tieFirst: (a: number, b: number) => boolean = (a, b) => a < b,
): number[] {
  if (k <= 0) return [];
  const heap = new Int32Array(k);
  let size = 0;
  // a ranks below b
  const worse = (a: number, b: number) => scores[a] < scores[b] || (scores[a] === scores[b] && tieFirst(b, a));
  for (let i = 0; i < scores.length; i++) {
    if (flags !== undefined && flags[i] !== 1) continue;
    if (size < k) {
      let j = size++;
      heap[j] = i;
      while (j > 0) {
        const p = (j - 1) >> 1;
        if (!worse(heap[j], heap[p])) break;
        const t = heap[j];
        heap[j] = heap[p];
        heap[p] = t;
        j = p;
      }
    } else if (worse(heap[0], i)) {
      heap[0] = i;
      for (let j = 0; ;) {
        const l = 2 * j + 1;
        const r = l + 1;
        let m = j;
        if (l < size && worse(heap[l], heap[m])) m = l;
        if (r < size && worse(heap[r], heap[m])) m = r;
        if (m === j) break;
        const t = heap[j];
        heap[j] = heap[m];
        heap[m] = t;
        j = m;
      }
    }
  }
  return Array.from(heap.subarray(0, size)).sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
}
