// PCG32: its first outputs pinned to the reference implementation's (pcg32-demo, seed 42, sequence 54),
// a BigInt re-implementation as oracle for longer streams, the derived draws, shuffling and dropout.
import { describe, expect, it } from "vitest";
import { BUILDS, loadEngine, Scratch } from "../helpers/engines.js";
import { expectClose } from "../helpers/check.js";

const MASK64 = (1n << 64n) - 1n;
const MULT = 6364136223846793005n;

/** The PCG32 reference (pcg_basic.c), in BigInt: an oracle independent of the wasm code. */
class Pcg32Ref {
  state = 0n;
  inc = 0n;
  constructor(seed: bigint, seq: bigint) {
    this.inc = ((seq << 1n) | 1n) & MASK64;
    this.next();
    this.state = (this.state + seed) & MASK64;
    this.next();
  }
  next(): number {
    const old = this.state;
    this.state = (old * MULT + this.inc) & MASK64;
    const xorshifted = Number((((old >> 18n) ^ old) >> 27n) & 0xffffffffn);
    const rot = Number(old >> 59n);
    return ((xorshifted >>> rot) | (xorshifted << ((32 - rot) & 31))) >>> 0;
  }
}

function seeded(s: Scratch, seedLo: number, seedHi: number, seq: number): number {
  const st = s.arena.alloc(16);
  s.k.pcg_seed(st, seedLo, seedHi, seq);
  return st;
}

describe.each(BUILDS)("random (%s build)", (build) => {
  it("the first outputs for seed 42, sequence 54 are pcg32-demo's", async () => {
    const s = new Scratch(await loadEngine(build));
    const st = seeded(s, 42, 0, 54), out = s.alloc(6);
    s.k.pcg_u32(st, out, 6);
    expect(Array.from(s.getU32(out, 6), (v) => "0x" + v.toString(16).padStart(8, "0"))).toEqual(
      ["0xa15c02b7", "0x7b47f409", "0xba1d3330", "0x83d2f293", "0xbfa4784b", "0xcbed606e"]);
  });

  it("long streams for other seeds match the BigInt reference, 64-bit seeds included", async () => {
    const s = new Scratch(await loadEngine(build));
    for (const [lo, hi, seq] of [[0, 0, 0], [1, 0, 1], [0xdeadbeef, 0x12345678, 7], [0xffffffff, 0xffffffff, 0xffffffff]]) {
      s.reset();
      const st = seeded(s, lo, hi, seq), out = s.alloc(5000);
      s.k.pcg_u32(st, out, 5000);
      const ref = new Pcg32Ref((BigInt(hi) << 32n) | BigInt(lo), BigInt(seq));
      const got = s.getU32(out, 5000);
      for (let i = 0; i < 5000; i++) {
        const want = ref.next();
        if (got[i] !== want) throw new Error(`seed ${lo},${hi} seq ${seq}: output ${i} is ${got[i]}, reference ${want}`);
      }
    }
  });

  it("uniform draws are lo + (hi - lo) (x >>> 8) 2^-24 of the stream", async () => {
    const s = new Scratch(await loadEngine(build));
    const st = seeded(s, 7, 0, 3), out = s.alloc(1001);
    s.k.pcg_uniform(st, out, 1001, -2, 3);
    const ref = new Pcg32Ref(7n, 3n);
    const want = Array.from({ length: 1001 }, () => Math.fround(-2 + Math.fround(5 * Math.fround((ref.next() >>> 8) * 2 ** -24))));
    expectClose(s.get(out, 1001), want, 0, "uniform");
  });

  it("normal draws: Marsaglia polar pairs from the stream, mean 0 and std 1 over 10^5, truncation at 2 sigma", async () => {
    const s = new Scratch(await loadEngine(build));
    const n = 100_001;
    const st = seeded(s, 11, 0, 0), out = s.alloc(n);
    s.k.pcg_normal(st, out, n, 0, 1, 0);
    const z = s.get(out, n);
    // The oracle: the same polar method in float64 on the reference stream.
    const ref = new Pcg32Ref(11n, 0n);
    const want: number[] = [];
    while (want.length < 200) {
      const u = (ref.next() >>> 8) * 2 ** -23 - 1, v = (ref.next() >>> 8) * 2 ** -23 - 1;
      const q = Math.fround(Math.fround(u * u) + Math.fround(v * v));
      if (q >= 1 || q === 0) continue;
      const f = Math.sqrt((-2 * Math.log(q)) / q);
      want.push(u * f, v * f);
    }
    expectClose(z.subarray(0, 200), want, (i) => 2e-6 * Math.max(1, Math.abs(want[i])), "normal vs float64 polar method");
    const mean = z.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    expect(Math.abs(mean)).toBeLessThan(0.01); // 3 standard errors is 0.0095
    expect(Math.abs(sd - 1)).toBeLessThan(0.01);
    s.k.pcg_normal(st, out, n, 0.5, 2, 1);
    const t = s.get(out, n);
    expect(t.every((v) => Math.abs(v - 0.5) <= 4 + 1e-6)).toBe(true);
    // A normal truncated at 2 sigma has sd 0.8796 sigma.
    const tm = t.reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(Math.sqrt(t.reduce((a, b) => a + (b - tm) ** 2, 0) / n) / 2 - 0.8796)).toBeLessThan(0.01);
  });

  it("shuffle is Fisher-Yates with unbiased bounded draws: a permutation, equal to the reference", async () => {
    const s = new Scratch(await loadEngine(build));
    for (const n of [0, 1, 2, 10, 1000]) {
      s.reset();
      const st = seeded(s, 5, 0, 9), idx = s.putI32(Array.from({ length: n }, (_, i) => i));
      s.k.pcg_shuffle(st, idx, n);
      const ref = new Pcg32Ref(5n, 9n), want = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const bound = i + 1, threshold = (2 ** 32 - bound) % bound;
        let r = ref.next();
        while (r < threshold) r = ref.next();
        const j = r % bound;
        [want[i], want[j]] = [want[j], want[i]];
      }
      expect(Array.from(s.getI32(idx, n))).toEqual(want);
    }
  });

  it("inverted dropout keeps u >= rate scaled by 1/(1 - rate); backward applies the same mask", async () => {
    const s = new Scratch(await loadEngine(build));
    const n = 20_003, rate = 0.3, keep = 1 / (1 - rate);
    const x = Float32Array.from({ length: n }, (_, i) => (i % 7) - 3);
    const st = seeded(s, 1, 0, 2), px = s.put(x), py = s.alloc(n), pm = s.alloc(n);
    s.k.dropout_forward(st, px, py, pm, n, rate, keep);
    const mask = s.get(pm, n), y = s.get(py, n);
    const ref = new Pcg32Ref(1n, 2n);
    for (let i = 0; i < n; i++) {
      const u = Math.fround((ref.next() >>> 8) * 2 ** -24);
      const m = u >= Math.fround(rate) ? Math.fround(keep) : 0;
      if (mask[i] !== m || y[i] !== Math.fround(x[i] * m)) throw new Error(`dropout at ${i}: mask ${mask[i]} y ${y[i]}, expected ${m}, ${x[i] * m}`);
    }
    const kept = mask.reduce((a, m) => a + (m > 0 ? 1 : 0), 0) / n;
    expect(Math.abs(kept - 0.7)).toBeLessThan(0.01);
    const dy = Float32Array.from({ length: n }, (_, i) => i / n), pdy = s.put(dy), pdx = s.alloc(n);
    s.k.dropout_backward(pdy, pm, pdx, n);
    expectClose(s.get(pdx, n), Array.from(dy, (d, i) => Math.fround(d * mask[i])), 0, "dropout backward");
  });

  it("every draw terminates on any 16-byte state, corrupt ones included (a zeroed state looped forever)", async () => {
    const s = new Scratch(await loadEngine(build));
    // Zeroed, even increments (PCG's increment is odd in every state pcg_seed makes), all ones.
    for (const words of [[0, 0, 0, 0], [7, 0, 2, 0], [0, 0, 0x7ffffffe, 0], [-1, -1, -1, -1]]) {
      s.reset();
      const st = s.putI32(words), n = 1001;
      const idx = s.putI32(Array.from({ length: n }, (_, i) => i));
      s.k.pcg_shuffle(st, idx, n);
      expect(Array.from(s.getI32(idx, n)).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      const z = s.alloc(n);
      s.k.pcg_normal(st, z, n, 0, 1, 1);
      expect(s.get(z, n).every((v) => Number.isFinite(v) && Math.abs(v) <= 2)).toBe(true);
      s.k.pcg_normal(st, z, n, 0, 1, 0);
      expect(s.get(z, n).every((v) => Number.isFinite(v))).toBe(true);
      // An even increment draws the stream of the odd one beside it: a state cannot fall off the full period.
      const a = s.putI32(words), b = s.putI32([words[0], words[1], words[2] | 1, words[3]]), ua = s.alloc(8), ub = s.alloc(8);
      s.k.pcg_u32(a, ua, 8);
      s.k.pcg_u32(b, ub, 8);
      expect(Array.from(s.getU32(ua, 8))).toEqual(Array.from(s.getU32(ub, 8)));
      expect(new Set(s.getU32(ua, 8)).size).toBeGreaterThan(4);
    }
  });

  it("the state lives in memory: saving its 16 bytes and restoring them replays the stream", async () => {
    const s = new Scratch(await loadEngine(build));
    const st = seeded(s, 3, 0, 4), a = s.alloc(10), b = s.alloc(10);
    const saved = s.getU32(st, 4);
    s.k.pcg_u32(st, a, 10);
    s.arena.u32(st, 4).set(saved);
    s.k.pcg_u32(st, b, 10);
    expect(Array.from(s.getU32(b, 10))).toEqual(Array.from(s.getU32(a, 10)));
  });
});
