// The wasm SIMD mul+add ceiling, measured in the same run as the kernels (STYLE.md 12).
// 8 independent f32x4 accumulators (as many as V8 keeps in registers), acc += p * q, where the 4 p
// vectors stay in registers and the 2 q vectors are loaded from an L1-resident buffer each iteration so
// that the optimizer cannot hoist the multiplies: 16 SIMD float ops = 64 flops per iteration, no chain
// through the multiply. `buf` must hold 576 bytes.
export function peak_madd(iters: i32, buf: usize): f32 {
  // p from memory, not constants: V8 rematerializes v128 constants inside loops.
  const p0 = v128.load(buf, 512), p1 = v128.load(buf, 528), p2 = v128.load(buf, 544), p3 = v128.load(buf, 560);
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
  for (let i = 0; i < iters; i++) {
    const o = buf + ((<usize>i & 15) << 5);
    const q0 = v128.load(o), q1 = v128.load(o, 16);
    a0 = f32x4.add(a0, f32x4.mul(p0, q0)); a1 = f32x4.add(a1, f32x4.mul(p0, q1));
    a2 = f32x4.add(a2, f32x4.mul(p1, q0)); a3 = f32x4.add(a3, f32x4.mul(p1, q1));
    a4 = f32x4.add(a4, f32x4.mul(p2, q0)); a5 = f32x4.add(a5, f32x4.mul(p2, q1));
    a6 = f32x4.add(a6, f32x4.mul(p3, q0)); a7 = f32x4.add(a7, f32x4.mul(p3, q1));
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}
