// Comparisons that fail with the index, both values and the shape (STYLE.md 3).

/** A deterministic float stream for test data (a small LCG; the library's own PRNG is tested separately). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

/**
 * Asserts |got[i] - want[i]| <= tol(i) for every i; NaN only matches NaN, infinities only themselves.
 * On failure throws with the first bad index, both values, the tolerance and `what` (the shape).
 */
export function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: number | ((i: number) => number),
  what: string,
): void {
  if (got.length !== want.length) throw new Error(`${what}: length ${got.length}, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    const t = typeof tol === "number" ? tol : tol(i);
    const ok = Number.isNaN(w) ? Number.isNaN(g) : !Number.isFinite(w) ? g === w : Math.abs(g - w) <= t;
    if (!ok) throw new Error(`${what}: at index ${i} got ${g}, expected ${w} (|diff| ${Math.abs(g - w)} > tol ${t})`);
  }
}

/** Asserts identical bits (NaNs of any payload are equal). */
export function expectSameBits(got: Float32Array, want: Float32Array, what: string): void {
  if (got.length !== want.length) throw new Error(`${what}: length ${got.length}, expected ${want.length}`);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < g.length; i++) {
    if (g[i] !== w[i] && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) {
      throw new Error(`${what}: at index ${i} got ${got[i]} (0x${g[i].toString(16)}), expected ${want[i]} (0x${w[i].toString(16)})`);
    }
  }
}

/** The distance between adjacent float32 values at x (the unit in the last place). */
export function ulpF32(x: number): number {
  const a = Math.abs(x);
  if (a < 2 ** -126) return 2 ** -149;
  const e = Math.floor(Math.log2(a));
  // log2 can be off by one at powers of two; fix the exponent so that 2^e <= a < 2^(e+1).
  const ee = 2 ** e > a ? e - 1 : 2 ** (e + 1) <= a ? e + 1 : e;
  return 2 ** (ee - 23);
}
