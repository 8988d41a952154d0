// Dense-layer GEMMs, row-major float32, in the three layouts that training needs:
//   gemm_nn: Y[M,N]  = X[M,K] · W[K,N]   (+ bias[N], then activation: the fused forward epilogue)
//   gemm_tn: dW[M,N] = X[K,M]ᵀ · dY[K,N] (M = inputs, N = units, K = batch)
//   gemm_nt: dX[M,N] = dY[M,K] · W[N,K]ᵀ (M = batch, N = inputs, K = units)
// and bias_grad (column sums). Every output element is summed in ascending k, starting from 0 (or from the
// old value when accumulating), with no fused multiply-add: the SIMD and scalar paths give the same bits.
//
// SIMD path (gemm_4x8_simd): GotoBLAS-style blocking around a 4x8 register tile, the largest V8 keeps in
// registers (8 v128 accumulators; 6x8 and 8x8 spill and run at half speed). B is packed per KC block into
// zero-padded 8-column panels in the host's workspace, so panels stream contiguously and ragged N needs no
// special loads; the panel (KC x 8 floats = 8 KiB) stays in L1 while MC rows of A pass over it. A is
// packed into 4-row micro-panels too when enough B panels reuse it (see PACK_A_MIN_N).
// Edge tiles (M % 4, N % 8) run the same micro-kernel on a 4x8 scratch tile in the workspace.
import { act_forward, SOFTMAX } from "../activations/activations";
import { softmax_row } from "../activations/activations";

const MR = 4;
const NR = 8;
const KC = 256; // packed B panel KC x NR x 4 B = 8 KiB
const MC = 32; // packed A block MC x KC x 4 B = 32 KiB: with the B panel, L1-resident (48 KiB here; swept 32-128 x 128-384)

/** Workspace bytes the GEMMs need for an output with n columns and a reduction of length k. */
export function gemm_work_bytes(n: i32, k: i32): i32 {
  const kc = max(min(k, KC), 1);
  const np = (n + NR - 1) & ~(NR - 1);
  return (kc * np + MR * NR + MC * kc) << 2; // packed B block, edge tile, packed A block
}

// A is packed when enough B panels reuse it: then every micro-kernel reads A contiguously, whatever the
// stride of its rows (dW's Xᵀ walks rows M floats apart; 4 KiB strides thrash L1's sets).
const PACK_A_MIN_N = 3 * NR;

// @ts-ignore: decorator
@inline function ukernel_4x8_simd(
  kc: i32, a0: usize, a1: usize, a2: usize, a3: usize, aks: usize,
  b: usize, c: usize, ldc: usize, loadC: bool,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (loadC) {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc); c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc); c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc); c31 = v128.load(c + 3 * ldc, 16);
  }
  let ao: usize = 0;
  const bEnd = b + (<usize>kc << 5);
  while (b < bEnd) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const x0 = v128.load32_splat(a0 + ao);
    c00 = f32x4.add(c00, f32x4.mul(x0, b0)); c01 = f32x4.add(c01, f32x4.mul(x0, b1));
    const x1 = v128.load32_splat(a1 + ao);
    c10 = f32x4.add(c10, f32x4.mul(x1, b0)); c11 = f32x4.add(c11, f32x4.mul(x1, b1));
    const x2 = v128.load32_splat(a2 + ao);
    c20 = f32x4.add(c20, f32x4.mul(x2, b0)); c21 = f32x4.add(c21, f32x4.mul(x2, b1));
    const x3 = v128.load32_splat(a3 + ao);
    c30 = f32x4.add(c30, f32x4.mul(x3, b0)); c31 = f32x4.add(c31, f32x4.mul(x3, b1));
    ao += aks;
    b += 32;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
}

// The same tile on packed A: the 4 rows at one k are 4 adjacent floats, so one pointer with immediate
// offsets addresses them (V8 then spends no instruction on A's addresses: 80 -> 90 % of the peak on AMD
// Zen 4, where the 4x8 loop is bound by how many instructions it issues).
// @ts-ignore: decorator
@inline function ukernel_4x8_packed(kc: i32, a: usize, b: usize, c: usize, ldc: usize, loadC: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (loadC) {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc); c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc); c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc); c31 = v128.load(c + 3 * ldc, 16);
  }
  const bEnd = b + (<usize>kc << 5);
  while (b < bEnd) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const x0 = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(x0, b0)); c01 = f32x4.add(c01, f32x4.mul(x0, b1));
    const x1 = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(x1, b0)); c11 = f32x4.add(c11, f32x4.mul(x1, b1));
    const x2 = v128.load32_splat(a, 8);
    c20 = f32x4.add(c20, f32x4.mul(x2, b0)); c21 = f32x4.add(c21, f32x4.mul(x2, b1));
    const x3 = v128.load32_splat(a, 12);
    c30 = f32x4.add(c30, f32x4.mul(x3, b0)); c31 = f32x4.add(c31, f32x4.mul(x3, b1));
    a += 16;
    b += 32;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
}

// @ts-ignore: decorator
@inline function ukernel_4x4_packed(kc: i32, a: usize, b: usize, c: usize, ldc: usize, loadC: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  if (loadC) {
    c0 = v128.load(c); c1 = v128.load(c + ldc); c2 = v128.load(c + 2 * ldc); c3 = v128.load(c + 3 * ldc);
  }
  const bEnd = b + (<usize>kc << 5);
  while (b < bEnd) {
    const b0 = v128.load(b);
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a), b0));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a, 4), b0));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a, 8), b0));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a, 12), b0));
    a += 16;
    b += 32;
  }
  v128.store(c, c0); v128.store(c + ldc, c1); v128.store(c + 2 * ldc, c2); v128.store(c + 3 * ldc, c3);
}

// The 4x4 variant for a last panel of at most 4 columns (it reads the first half of the 8-wide packed
// panel): half the work of running the 4x8 tile on zero padding, in the same order of additions.
// @ts-ignore: decorator
@inline function ukernel_4x4_simd(
  kc: i32, a0: usize, a1: usize, a2: usize, a3: usize, aks: usize,
  b: usize, c: usize, ldc: usize, loadC: bool,
): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  if (loadC) {
    c0 = v128.load(c); c1 = v128.load(c + ldc); c2 = v128.load(c + 2 * ldc); c3 = v128.load(c + 3 * ldc);
  }
  let ao: usize = 0;
  const bEnd = b + (<usize>kc << 5);
  while (b < bEnd) {
    const b0 = v128.load(b);
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a0 + ao), b0));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a1 + ao), b0));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a2 + ao), b0));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a3 + ao), b0));
    ao += aks;
    b += 32;
  }
  v128.store(c, c0); v128.store(c + ldc, c1); v128.store(c + 2 * ldc, c2); v128.store(c + 3 * ldc, c3);
}

// Packs B[pc .. pc+kc, 0 .. n] into panels of NR columns: panel p holds kc rows of 8 floats, zero-padded.
// B[k][j] is at b + 4 (k ldb + j), or with bT at b + 4 (j ldb + k).
function pack_b_simd(b: usize, bT: bool, ldb: usize, pc: i32, kc: i32, n: i32, dst: usize): void {
  for (let jr = 0; jr < n; jr += NR) {
    const nr = min(NR, n - jr);
    const panel = dst + ((<usize>jr * <usize>kc) << 2);
    if (!bT) {
      let src = b + ((<usize>pc * ldb + <usize>jr) << 2);
      if (nr == NR) {
        for (let k = 0; k < kc; k++) {
          v128.store(panel + (<usize>k << 5), v128.load(src));
          v128.store(panel + (<usize>k << 5), v128.load(src, 16), 16);
          src += ldb << 2;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          const row = panel + (<usize>k << 5);
          v128.store(row, f32x4.splat(0)); v128.store(row, f32x4.splat(0), 16);
          for (let j = 0; j < nr; j++) store<f32>(row + (<usize>j << 2), load<f32>(src + (<usize>j << 2)));
          src += ldb << 2;
        }
      }
    } else {
      const src = b + ((<usize>jr * ldb + <usize>pc) << 2); // row j of the source holds B[.][jr + j]
      let k = 0;
      if (nr == NR) {
        const ls = ldb << 2;
        for (; k + 4 <= kc; k += 4) {
          // Two 4x4 transposes: source rows jr..jr+7 at columns k..k+3 become panel rows k..k+3.
          const s = src + (<usize>k << 2);
          const out = panel + (<usize>k << 5);
          transpose4(v128.load(s), v128.load(s + ls), v128.load(s + 2 * ls), v128.load(s + 3 * ls), out, 32);
          transpose4(v128.load(s + 4 * ls), v128.load(s + 5 * ls), v128.load(s + 6 * ls), v128.load(s + 7 * ls), out + 16, 32);
        }
      }
      for (; k < kc; k++) {
        const row = panel + (<usize>k << 5);
        for (let j = 0; j < NR; j++) {
          store<f32>(row + (<usize>j << 2), j < nr ? load<f32>(src + ((<usize>j * ldb + <usize>k) << 2)) : 0);
        }
      }
    }
  }
}

// Writes the transpose of rows r0..r3 as four 4-float rows at out + i stride, i = 0..3.
// @ts-ignore: decorator
@inline function transpose4(r0: v128, r1: v128, r2: v128, r3: v128, out: usize, stride: usize): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5); // a0 b0 a1 b1
  const t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7); // a2 b2 a3 b3
  const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5); // c0 d0 c1 d1
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7); // c2 d2 c3 d3
  v128.store(out, i64x2.shuffle(t0, t2, 0, 2));
  v128.store(out + stride, i64x2.shuffle(t0, t2, 1, 3));
  v128.store(out + 2 * stride, i64x2.shuffle(t1, t3, 0, 2));
  v128.store(out + 3 * stride, i64x2.shuffle(t1, t3, 1, 3));
}

// Packs rows i0 .. i0+mc of A at k = pc .. pc+kc into micro-panels of MR rows: panel p holds kc groups of
// 4 floats (rows 4p..4p+3 at one k). Rows past mc repeat the last real row (their results are dropped).
function pack_a_simd(a: usize, ars: usize, aks: usize, i0: i32, mc: i32, pc: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    const base = a + <usize>(i0 + ir) * ars + <usize>pc * aks;
    const r1 = base + <usize>min(1, mr - 1) * ars;
    const r2 = base + <usize>min(2, mr - 1) * ars;
    const r3 = base + <usize>min(3, mr - 1) * ars;
    const panel = dst + ((<usize>ir * <usize>kc) << 2);
    let k = 0;
    if (mr == MR && ars == 4) {
      // Transposed A (dW): the 4 rows at one k are adjacent floats.
      for (; k < kc; k++) v128.store(panel + (<usize>k << 4), v128.load(base + <usize>k * aks));
    } else if (aks == 4) {
      // Row-major A: 4 k at a time from each row, transposed into 4 groups.
      for (; k + 4 <= kc; k += 4) {
        const o = <usize>k << 2;
        transpose4(v128.load(base + o), v128.load(r1 + o), v128.load(r2 + o), v128.load(r3 + o), panel + (<usize>k << 4), 16);
      }
    }
    for (; k < kc; k++) {
      const o = <usize>k * aks;
      const g = panel + (<usize>k << 4);
      store<f32>(g, load<f32>(base + o));
      store<f32>(g, load<f32>(r1 + o), 4);
      store<f32>(g, load<f32>(r2 + o), 8);
      store<f32>(g, load<f32>(r3 + o), 12);
    }
  }
}

// Bias, then the activation, on a finished rows x cols tile (softmax: bias only; rows are done at the end).
// The activation is act_forward's (the same operations, lane by lane, as a separate pass would do), so
// one copy of the activation code serves both.
function epilogue(c: usize, ldc: usize, rows: i32, cols: i32, bias: usize, act: i32, alpha: f32): void {
  const a = act == SOFTMAX ? 0 : act;
  for (let r = 0; r < rows; r++) {
    const row = c + <usize>r * ldc;
    if (bias) {
      let j = 0;
      if (ASC_FEATURE_SIMD) {
        for (; j + 4 <= cols; j += 4) {
          const o = <usize>j << 2;
          v128.store(row + o, f32x4.add(v128.load(row + o), v128.load(bias + o)));
        }
      }
      for (; j < cols; j++) {
        const o = <usize>j << 2;
        store<f32>(row + o, load<f32>(row + o) + load<f32>(bias + o));
      }
    }
    if (a != 0) act_forward(a, row, row, cols, alpha);
  }
}

// C[M,N] (=|+=) A·B, then the epilogue. A[i][k] is at a + i ars + k aks (bytes), B as in pack_b_simd.
function gemm_4x8_simd(
  m: i32, n: i32, k: i32, a: usize, ars: usize, aks: usize, b: usize, bT: bool, ldb: usize,
  c: usize, ldc: usize, accumulate: bool, bias: usize, act: i32, alpha: f32, work: usize,
): void {
  const kcMax = max(min(k, KC), 1);
  const np = (n + NR - 1) & ~(NR - 1);
  const tile = work + ((<usize>kcMax * <usize>np) << 2);
  const apack = tile + ((MR * NR) << 2);
  const packA = n >= PACK_A_MIN_N;
  const ldcb = ldc << 2;
  const epi = bias != 0 || (act != 0 && act != SOFTMAX); // else the epilogue changes nothing: skip its call
  let pc = 0;
  do {
    const kc = min(KC, k - pc);
    pack_b_simd(b, bT, ldb, pc, kc, n, work);
    const loadC = accumulate || pc > 0;
    const last = pc + kc >= k;
    for (let ic = 0; ic < m; ic += MC) {
      const iEnd = min(ic + MC, m);
      if (packA) pack_a_simd(a, ars, aks, ic, iEnd - ic, pc, kc, apack);
      // Where micro-kernels read A: the packed panel (4 adjacent floats per k) or A itself.
      const pars: usize = packA ? 4 : ars;
      const paks: usize = packA ? 16 : aks;
      for (let jr = 0; jr < n; jr += NR) {
        const nr = min(NR, n - jr);
        const panel = work + ((<usize>jr * <usize>kc) << 2);
        for (let ir = ic; ir < iEnd; ir += MR) {
          const mr = min(MR, iEnd - ir);
          const ap = packA ? apack + ((<usize>(ir - ic) * <usize>kc) << 2) : a + <usize>ir * ars + <usize>pc * aks;
          const cp = c + <usize>ir * ldcb + (<usize>jr << 2);
          if (mr == MR && nr == NR) {
            if (packA) ukernel_4x8_packed(kc, ap, panel, cp, ldcb, loadC);
            else ukernel_4x8_simd(kc, ap, ap + pars, ap + 2 * pars, ap + 3 * pars, paks, panel, cp, ldcb, loadC);
            if (last && epi) epilogue(cp, ldcb, MR, NR, bias ? bias + (<usize>jr << 2) : 0, act, alpha);
          } else {
            // Ragged edge: run the full tile on scratch (missing rows repeat the last real row of A).
            for (let r = 0; r < MR; r++) {
              for (let j = 0; j < NR; j++) {
                const t = tile + (<usize>(r * NR + j) << 2);
                store<f32>(t, loadC && r < mr && j < nr ? load<f32>(cp + <usize>r * ldcb + (<usize>j << 2)) : 0);
              }
            }
            const a1 = ap + <usize>min(1, mr - 1) * pars;
            const a2 = ap + <usize>min(2, mr - 1) * pars;
            const a3 = ap + <usize>min(3, mr - 1) * pars;
            if (packA) { // packing repeated the last real row into the missing ones
              if (nr <= 4) ukernel_4x4_packed(kc, ap, panel, tile, NR << 2, loadC);
              else ukernel_4x8_packed(kc, ap, panel, tile, NR << 2, loadC);
            } else if (nr <= 4) ukernel_4x4_simd(kc, ap, a1, a2, a3, paks, panel, tile, NR << 2, loadC);
            else ukernel_4x8_simd(kc, ap, a1, a2, a3, paks, panel, tile, NR << 2, loadC);
            if (last && epi) epilogue(tile, NR << 2, mr, nr, bias ? bias + (<usize>jr << 2) : 0, act, alpha);
            for (let r = 0; r < mr; r++) {
              for (let j = 0; j < nr; j++) {
                store<f32>(cp + <usize>r * ldcb + (<usize>j << 2), load<f32>(tile + (<usize>(r * NR + j) << 2)));
              }
            }
          }
        }
      }
    }
    pc += kc;
  } while (pc < k);
  if (act == SOFTMAX) for (let i = 0; i < m; i++) softmax_row(c + <usize>i * ldcb, c + <usize>i * ldcb, n);
}

// The scalar twin: the same sums in the same order (ascending k from 0 or the old value), plain loops.
function gemm_scalar(
  m: i32, n: i32, k: i32, a: usize, ars: usize, aks: usize, b: usize, bT: bool, ldb: usize,
  c: usize, ldc: usize, accumulate: bool, bias: usize, act: i32, alpha: f32,
): void {
  const ldcb = ldc << 2;
  for (let i = 0; i < m; i++) {
    const crow = c + <usize>i * ldcb;
    const arow = a + <usize>i * ars;
    if (bT) {
      for (let j = 0; j < n; j++) {
        let s: f32 = accumulate ? load<f32>(crow + (<usize>j << 2)) : 0;
        const bcol = b + ((<usize>j * ldb) << 2);
        for (let p = 0; p < k; p++) s += load<f32>(arow + <usize>p * aks) * load<f32>(bcol + (<usize>p << 2));
        store<f32>(crow + (<usize>j << 2), s);
      }
    } else {
      if (!accumulate) memory.fill(crow, 0, <usize>n << 2);
      for (let p = 0; p < k; p++) {
        const x = load<f32>(arow + <usize>p * aks);
        const brow = b + ((<usize>p * ldb) << 2);
        for (let j = 0; j < n; j++) {
          const o = <usize>j << 2;
          store<f32>(crow + o, load<f32>(crow + o) + x * load<f32>(brow + o));
        }
      }
    }
    epilogue(crow, ldcb, 1, n, bias, act, alpha);
    if (act == SOFTMAX) softmax_row(crow, crow, n);
  }
}

// One output row, B read in place (no packing: each element of B is used once): y[N] = a[K]·B[K,N].
// Columns go in blocks of 32, 16, 8 and 4 (8, 4, 2 and 1 accumulators), then one at a time; each
// output is summed in ascending k from 0 (or its old value), as in the tiled path, so the bits agree.
// This is predict() on one sample: packing B would read the weights twice.
function gemv_simd(n: i32, k: i32, a: usize, aks: usize, b: usize, ldb: usize, c: usize, accumulate: bool): void {
  const ldbb = ldb << 2;
  let j = 0;
  // Blocks of 16 columns, two k per pass (each accumulator still adds k, then k + 1): 4 accumulators,
  // 2 broadcasts and 8 loads stay within V8's 16 registers. Measured on Zen 4 for 784 -> 128: 6.8 us;
  // 32 columns at once (8 accumulators) spilled (10.7 us), 24 columns straddle cache lines (9.3 us),
  // four k per pass lengthens the chains (9.3 us).
  for (; j + 16 <= n; j += 16) {
    const cp = c + (<usize>j << 2);
    let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
    if (accumulate) { c0 = v128.load(cp); c1 = v128.load(cp, 16); c2 = v128.load(cp, 32); c3 = v128.load(cp, 48); }
    let bp = b + (<usize>j << 2);
    let ap = a;
    let p = 0;
    for (; p + 2 <= k; p += 2) {
      const x0 = v128.load32_splat(ap);
      const x1 = v128.load32_splat(ap + aks);
      const bq = bp + ldbb;
      c0 = f32x4.add(f32x4.add(c0, f32x4.mul(x0, v128.load(bp))), f32x4.mul(x1, v128.load(bq)));
      c1 = f32x4.add(f32x4.add(c1, f32x4.mul(x0, v128.load(bp, 16))), f32x4.mul(x1, v128.load(bq, 16)));
      c2 = f32x4.add(f32x4.add(c2, f32x4.mul(x0, v128.load(bp, 32))), f32x4.mul(x1, v128.load(bq, 32)));
      c3 = f32x4.add(f32x4.add(c3, f32x4.mul(x0, v128.load(bp, 48))), f32x4.mul(x1, v128.load(bq, 48)));
      ap += aks << 1;
      bp += ldbb << 1;
    }
    if (p < k) {
      const x = v128.load32_splat(ap);
      c0 = f32x4.add(c0, f32x4.mul(x, v128.load(bp))); c1 = f32x4.add(c1, f32x4.mul(x, v128.load(bp, 16)));
      c2 = f32x4.add(c2, f32x4.mul(x, v128.load(bp, 32))); c3 = f32x4.add(c3, f32x4.mul(x, v128.load(bp, 48)));
    }
    v128.store(cp, c0); v128.store(cp, c1, 16); v128.store(cp, c2, 32); v128.store(cp, c3, 48);
  }
  if (j + 8 <= n) {
    const cp = c + (<usize>j << 2);
    let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
    if (accumulate) { c0 = v128.load(cp); c1 = v128.load(cp, 16); }
    let bp = b + (<usize>j << 2);
    let ap = a;
    for (let p = 0; p < k; p++) {
      const x = v128.load32_splat(ap);
      c0 = f32x4.add(c0, f32x4.mul(x, v128.load(bp))); c1 = f32x4.add(c1, f32x4.mul(x, v128.load(bp, 16)));
      ap += aks;
      bp += ldbb;
    }
    v128.store(cp, c0); v128.store(cp, c1, 16);
    j += 8;
  }
  if (j + 4 <= n) {
    const cp = c + (<usize>j << 2);
    let c0 = accumulate ? v128.load(cp) : f32x4.splat(0);
    let bp = b + (<usize>j << 2);
    let ap = a;
    for (let p = 0; p < k; p++) {
      c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(ap), v128.load(bp)));
      ap += aks;
      bp += ldbb;
    }
    v128.store(cp, c0);
    j += 4;
  }
  for (; j < n; j++) {
    const cp = c + (<usize>j << 2);
    let s: f32 = accumulate ? load<f32>(cp) : 0;
    let bp = b + (<usize>j << 2);
    let ap = a;
    for (let p = 0; p < k; p++) {
      s += load<f32>(ap) * load<f32>(bp);
      ap += aks;
      bp += ldbb;
    }
    store<f32>(cp, s);
  }
}

/**
 * C[M,N] (=|+=) A·B, then bias and activation: the one entry every layout and every parallel tile goes
 * through. A[i][k] is at a + i ars + k aks (bytes); B[k][j] at b + 4 (k ldb + j), or with bT at
 * b + 4 (j ldb + k); C row-major with ldc floats per row.
 */
export function gemm(
  m: i32, n: i32, k: i32, a: usize, ars: usize, aks: usize, b: usize, bT: bool, ldb: usize,
  c: usize, ldc: usize, accumulate: bool, bias: usize, act: i32, alpha: f32, work: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k < 0) k = 0;
  if (ASC_FEATURE_SIMD) {
    if (m == 1 && !bT) {
      gemv_simd(n, k, a, aks, b, ldb, c, accumulate);
      epilogue(c, 0, 1, n, bias, act, alpha);
      if (act == SOFTMAX) softmax_row(c, c, n);
    } else {
      gemm_4x8_simd(m, n, k, a, ars, aks, b, bT, ldb, c, ldc, accumulate, bias, act, alpha, work);
    }
  } else {
    gemm_scalar(m, n, k, a, ars, aks, b, bT, ldb, c, ldc, accumulate, bias, act, alpha);
  }
}

/** Y[M,N] = X[M,K]·W[K,N] (+= if accumulate), then + bias[N] (bias 0: none), then activation `act`. */
export function gemm_nn(
  m: i32, n: i32, k: i32, x: usize, w: usize, y: usize, accumulate: bool, bias: usize, act: i32, alpha: f32, work: usize,
): void {
  gemm(m, n, k, x, <usize>k << 2, 4, w, false, <usize>n, y, <usize>n, accumulate, bias, act, alpha, work);
}

/** dW[M,N] = X[K,M]ᵀ·dY[K,N] (+= if accumulate). */
export function gemm_tn(m: i32, n: i32, k: i32, x: usize, dy: usize, dw: usize, accumulate: bool, work: usize): void {
  gemm(m, n, k, x, 4, <usize>m << 2, dy, false, <usize>n, dw, <usize>n, accumulate, 0, 0, 0, work);
}

/** dX[M,N] = dY[M,K]·W[N,K]ᵀ (+= if accumulate). */
export function gemm_nt(m: i32, n: i32, k: i32, dy: usize, w: usize, dx: usize, accumulate: bool, work: usize): void {
  gemm(m, n, k, dy, <usize>k << 2, 4, w, true, <usize>k, dx, <usize>n, accumulate, 0, 0, 0, work);
}

/** db[N] = column sums of dY[M,N] (+= if accumulate), summed in ascending row order. */
export function bias_grad(m: i32, n: i32, dy: usize, db: usize, accumulate: bool): void {
  bias_grad_cols(m, n, <usize>n, dy, db, accumulate);
}

/** Column sums of n columns of dY whose rows are ld floats apart (a column block of a parallel job). */
export function bias_grad_cols(m: i32, n: i32, ld: usize, dy: usize, db: usize, accumulate: bool): void {
  if (n <= 0) return;
  if (!accumulate) memory.fill(db, 0, <usize>n << 2);
  const ldb = ld << 2;
  for (let i = 0; i < m; i++) {
    const row = dy + <usize>i * ldb;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= n; j += 4) {
        const o = <usize>j << 2;
        v128.store(db + o, f32x4.add(v128.load(db + o), v128.load(row + o)));
      }
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      store<f32>(db + o, load<f32>(db + o) + load<f32>(row + o));
    }
  }
}
