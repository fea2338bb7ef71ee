// A small seeded PRNG (mulberry32): shuffles and random crops that repeat for a given seed.

/** Uniform numbers in [0, 1). */
export type Rng = () => number;

/**
 * A seeded uniform generator in [0, 1); without a seed, Math.random.
 *
 * @example
 * const rng = seededRandom(42); rng(); // same every run
 */
export function seededRandom(seed?: number): Rng {
  if (seed === undefined) return Math.random;
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [lo, hi). */
export function randomInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo));
}
