// PCG32 (XSH-RR 64/32; M. E. O'Neill, pcg-random.org), the one PRNG behind initializers, shuffling and
// dropout. Its 16-byte state (state, inc as u64) lives in the host's memory at `st`, so the host can
// save and restore it. Integer arithmetic only, plus our own logf: the same stream on every engine.
import { logf } from "../math";

const MULT: u64 = 6364136223846793005;

// Rejection loops give up after this many draws. A PCG32 stream (odd increment: full period) needs more
// than 3 draws with probability below 2^-30 (bounded) or about 0.2^n (polar), so the cap changes no
// result of a real stream; it only keeps a corrupt state (a file's) from spinning a kernel forever.
const MAX_DRAWS = 64;

// @ts-ignore: decorator
@inline function next(st: usize): u32 {
  const old = load<u64>(st);
  // The increment is odd in every state pcg_seed makes; `| 1` keeps a corrupt one at full period too.
  store<u64>(st, old * MULT + (load<u64>(st, 8) | 1));
  const xorshifted = <u32>(((old >> 18) ^ old) >> 27);
  const rot = <u32>(old >> 59);
  return rotr<u32>(xorshifted, rot);
}

/** pcg32_srandom_r: seeds with a 64-bit initial state (lo, hi halves) and a 32-bit stream selector. */
export function pcg_seed(st: usize, seedLo: u32, seedHi: u32, seq: u32): void {
  store<u64>(st, 0);
  store<u64>(st, ((<u64>seq) << 1) | 1, 8);
  next(st);
  store<u64>(st, load<u64>(st) + ((<u64>seedHi << 32) | <u64>seedLo));
  next(st);
}

/** n raw 32-bit outputs. */
export function pcg_u32(st: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<u32>(dst + (<usize>i << 2), next(st));
}

// @ts-ignore: decorator
@inline function unit(st: usize): f32 {
  return <f32>(next(st) >>> 8) * 5.9604644775390625e-8; // 24 bits times 2^-24: [0, 1), exact
}

/** n uniform floats in [lo, hi): lo + (hi - lo) u. */
export function pcg_uniform(st: usize, dst: usize, n: i32, lo: f32, hi: f32): void {
  const w = hi - lo;
  for (let i = 0; i < n; i++) store<f32>(dst + (<usize>i << 2), lo + w * unit(st));
}

// One standard normal pair by the Marsaglia polar method; returns z0, leaves z1 at tmp.
// @ts-ignore: decorator
@inline function polar(st: usize, tmp: usize): f32 {
  let u: f32 = 0, v: f32 = 0, s: f32 = 0;
  let draws = 0;
  do {
    u = <f32>(next(st) >>> 8) * 1.1920928955078125e-7 - 1.0; // [-1, 1) in steps of 2^-23
    v = <f32>(next(st) >>> 8) * 1.1920928955078125e-7 - 1.0;
    s = u * u + v * v;
  } while ((s >= 1.0 || s == 0.0) && ++draws < MAX_DRAWS);
  if (s >= 1.0 || s == 0.0) { u = 0.5; v = 0.5; s = 0.5; } // only a corrupt state gets here
  const f = sqrt<f32>((-2.0 * logf(s)) / s);
  store<f32>(tmp, v * f);
  return u * f;
}

/**
 * n normal floats mean + std z. truncated: z is redrawn while |z| > 2 (TF.js and Keras truncatedNormal).
 * Draws come in pairs; an odd n drops the last pair's second value.
 */
export function pcg_normal(st: usize, dst: usize, n: i32, mean: f32, std: f32, truncated: bool): void {
  let i = 0;
  let misses = 0; // pairs in a row that added nothing (|z| > 2 twice): a real stream has few
  while (i < n) {
    const before = i;
    // The pair's second value is parked in dst[i + 1] (or, for the last odd slot, in dst[i] itself).
    const tmp = dst + (<usize>min(i + 1, n - 1) << 2);
    const z0 = polar(st, tmp);
    const z1 = load<f32>(tmp);
    if (!truncated || abs(z0) <= 2.0) {
      store<f32>(dst + (<usize>i << 2), mean + std * z0);
      i++;
    }
    if (i < n && (!truncated || abs(z1) <= 2.0)) {
      store<f32>(dst + (<usize>i << 2), mean + std * z1);
      i++;
    }
    if (i == before && ++misses >= MAX_DRAWS) { // only a corrupt state gets here: finish with the mean
      for (; i < n; i++) store<f32>(dst + (<usize>i << 2), mean);
    } else if (i != before) {
      misses = 0;
    }
  }
}

/** Uniform integer in [0, bound) without modulo bias (pcg32_boundedrand_r). */
// @ts-ignore: decorator
@inline function bounded(st: usize, bound: u32): u32 {
  const threshold: u32 = (<u32>0 - bound) % bound; // 2^32 mod bound
  let r = next(st);
  for (let draws = 1; r < threshold && draws < MAX_DRAWS; draws++) r = next(st);
  return r % bound;
}

/** Fisher-Yates shuffle of n i32 values in place (e.g. sample indices for an epoch). */
export function pcg_shuffle(st: usize, idx: usize, n: i32): void {
  for (let i = n - 1; i > 0; i--) {
    const j = <i32>bounded(st, <u32>(i + 1));
    const pi = idx + (<usize>i << 2), pj = idx + (<usize>j << 2);
    const t = load<i32>(pi);
    store<i32>(pi, load<i32>(pj));
    store<i32>(pj, t);
  }
}

/**
 * Inverted dropout, forward: mask_i = 1 / (1 - rate) where u_i >= rate else 0 (as TF and Keras keep
 * u >= rate); y = x mask. `keepScale` = 1 / (1 - rate), computed by the host. y may alias x.
 */
export function dropout_forward(st: usize, x: usize, y: usize, mask: usize, n: i32, rate: f32, keepScale: f32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const m: f32 = unit(st) >= rate ? keepScale : 0;
    store<f32>(mask + o, m);
    store<f32>(y + o, load<f32>(x + o) * m);
  }
}

/** Dropout backward: dx = dy mask. dx may alias dy. */
export function dropout_backward(dy: usize, mask: usize, dx: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(dx + o, f32x4.mul(v128.load(dy + o), v128.load(mask + o)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(dy + o) * load<f32>(mask + o));
  }
}
