/**
 * A seeded source of uniform numbers in `[0, 1)`: mulberry32, 32 bits of
 * state, so a seed names one sequence on every platform (no `Math.random`).
 * @param seed any integer; only its low 32 bits count
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A gap of a Poisson process: exponentially distributed with mean `meanMs`. */
export function exponentialGap(random: () => number, meanMs: number): number {
  return -meanMs * Math.log(1 - random());
}

/** One item of a weighted table: each is drawn with probability weight / total weight. */
export function pickWeighted<T extends { readonly weight: number }>(
  random: () => number,
  table: readonly T[],
): T {
  let total = 0;
  for (const item of table) total += item.weight;
  let point = random() * total;
  for (const item of table) {
    point -= item.weight;
    if (point < 0) return item;
  }
  return table[table.length - 1]!;
}
