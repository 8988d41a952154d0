// Our own float32 exp, log and tanh (Cephes single-precision algorithms, S. L. Moshier), in a scalar
// and a 4-lane form that execute the same IEEE operations in the same order, so a value's result does
// not depend on whether it fell in a vector body or a scalar tail. Nothing here calls the host's Math:
// that is what makes results bit-identical across engines. Max error <= 4 ulp (test/kernels/math.test.ts).

// Speed notes (V8 on x64): wasm's f32x4.min/max and i32x4.trunc_sat each cost several instructions
// (NaN and -0 semantics), so clamps use the one-instruction pmin/pmax (scalar: the same selects), and
// round-to-integer uses the 1.5 * 2^23 trick, which also yields the integer's bits for free.

const LOG2E: f32 = 1.44269504088896341;
const MAGIC: f32 = 12582912.0; // 1.5 * 2^23: t = v + MAGIC rounds v to an integer, held in t's low bits
const MAGIC_BITS: i32 = 0x4b400000;
const EXP_C1: f32 = 0.693359375; // 355/512: n*C1 is exact for |n| < 2^15
const EXP_C2: f32 = -2.12194440e-4; // ln2 - C1
const EXP_HI: f32 = 88.8; // expf(x) overflows to +inf above ln(FLT_MAX) = 88.72
const EXP_LO: f32 = -104.0; // expf(x) rounds to +0 below ln(2^-150) = -103.97
const E0: f32 = 1.9875691500e-4;
const E1: f32 = 1.3981999507e-3;
const E2: f32 = 8.3334519073e-3;
const E3: f32 = 4.1665795894e-2;
const E4: f32 = 1.6666665459e-1;
const E5: f32 = 5.0000001201e-1;

export function expf(x: f32): f32 {
  x = EXP_HI < x ? EXP_HI : x; // NaN stays NaN (as pmin/pmax in the vector form)
  x = x < EXP_LO ? EXP_LO : x;
  const t = x * LOG2E + MAGIC;
  const n = t - MAGIC; // round(x log2 e), ties to even
  const r = (x - n * EXP_C1) - n * EXP_C2;
  const r2 = r * r;
  const p = ((((E0 * r + E1) * r + E2) * r + E3) * r + E4) * r + E5;
  const z = (p * r2 + r) + 1.0;
  // 2^n in two factors so that results down to the subnormals round once.
  const ni = reinterpret<i32>(t) - MAGIC_BITS; // n in [-150, 128]
  const n1 = ni >> 1;
  const n2 = ni - n1;
  const s1 = reinterpret<f32>((n1 + 127) << 23);
  const s2 = reinterpret<f32>((n2 + 127) << 23);
  return (z * s1) * s2;
}

// @ts-ignore: decorator
@inline export function expv(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, f32x4.splat(EXP_HI)), f32x4.splat(EXP_LO));
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(MAGIC));
  const n = f32x4.sub(t, f32x4.splat(MAGIC));
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(n, f32x4.splat(EXP_C1))), f32x4.mul(n, f32x4.splat(EXP_C2)));
  const r2 = f32x4.mul(r, r);
  let p = f32x4.add(f32x4.mul(f32x4.splat(E0), r), f32x4.splat(E1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(E2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(E3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(E4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(E5));
  const z = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), f32x4.splat(1.0));
  const ni = i32x4.sub(t, i32x4.splat(MAGIC_BITS));
  const n1 = i32x4.shr_s(ni, 1);
  const n2 = i32x4.sub(ni, n1);
  const bias = i32x4.splat(127);
  const s1 = i32x4.shl(i32x4.add(n1, bias), 23);
  const s2 = i32x4.shl(i32x4.add(n2, bias), 23);
  return f32x4.mul(f32x4.mul(z, s1), s2);
}

const SQRTHF: f32 = 0.707106781186547524;
const L0: f32 = 7.0376836292e-2;
const L1: f32 = -1.1514610310e-1;
const L2: f32 = 1.1676998740e-1;
const L3: f32 = -1.2420140846e-1;
const L4: f32 = 1.4249322787e-1;
const L5: f32 = -1.6668057665e-1;
const L6: f32 = 2.0000714765e-1;
const L7: f32 = -2.4999993993e-1;
const L8: f32 = 3.3333331174e-1;
const TWO23: f32 = 8388608.0; // 2^23, lifts subnormals into the normal range

// Natural log. logf(0) = -inf, logf(x < 0) = NaN, logf(+inf) = +inf, subnormals handled.
export function logf(x: f32): f32 {
  const sub = x < 1.17549435e-38; // below FLT_MIN (also 0 and negatives; fixed up at the end)
  const xs = sub ? x * TWO23 : x;
  const bits = reinterpret<i32>(xs);
  let e = f32(((bits >> 23) & 0xff) - 126) - (sub ? 23.0 : 0.0);
  let m = reinterpret<f32>((bits & 0x807fffff) | 0x3f000000); // mantissa in [0.5, 1)
  const lt = m < SQRTHF;
  e = lt ? e - 1.0 : e;
  m = (lt ? m + m : m) - 1.0;
  const z = m * m;
  let y = (((((((L0 * m + L1) * m + L2) * m + L3) * m + L4) * m + L5) * m + L6) * m + L7) * m + L8;
  y = y * m * z;
  y = y + EXP_C2 * e;
  y = y + -0.5 * z;
  let r = m + y;
  r = r + EXP_C1 * e;
  // Edges: 0 -> -inf, negative -> NaN, +inf and NaN pass through.
  r = x == 0.0 ? -Infinity : r;
  r = x < 0.0 ? NaN : r;
  r = x == Infinity ? x : r;
  return x != x ? x : r;
}

// @ts-ignore: decorator
@inline export function logv(x: v128): v128 {
  const sub = f32x4.lt(x, f32x4.splat(1.17549435e-38));
  const xs = v128.bitselect(f32x4.mul(x, f32x4.splat(TWO23)), x, sub);
  const bits = xs;
  let e = f32x4.convert_i32x4_s(i32x4.sub(v128.and(i32x4.shr_s(bits, 23), i32x4.splat(0xff)), i32x4.splat(126)));
  e = f32x4.sub(e, v128.and(sub, f32x4.splat(23.0)));
  let m = v128.or(v128.and(bits, i32x4.splat(0x807fffff)), i32x4.splat(0x3f000000));
  const lt = f32x4.lt(m, f32x4.splat(SQRTHF));
  e = v128.bitselect(f32x4.sub(e, f32x4.splat(1.0)), e, lt);
  m = f32x4.sub(v128.bitselect(f32x4.add(m, m), m, lt), f32x4.splat(1.0));
  const z = f32x4.mul(m, m);
  let y = f32x4.add(f32x4.mul(f32x4.splat(L0), m), f32x4.splat(L1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(L2));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(L3));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(L4));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(L5));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(L6));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(L7));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(L8));
  y = f32x4.mul(f32x4.mul(y, m), z);
  y = f32x4.add(y, f32x4.mul(f32x4.splat(EXP_C2), e));
  y = f32x4.add(y, f32x4.mul(f32x4.splat(-0.5), z));
  let r = f32x4.add(m, y);
  r = f32x4.add(r, f32x4.mul(f32x4.splat(EXP_C1), e));
  r = v128.bitselect(f32x4.splat(-Infinity), r, f32x4.eq(x, f32x4.splat(0.0)));
  r = v128.bitselect(f32x4.splat(NaN), r, f32x4.lt(x, f32x4.splat(0.0)));
  r = v128.bitselect(x, r, f32x4.eq(x, f32x4.splat(Infinity)));
  return v128.bitselect(x, r, f32x4.ne(x, x));
}

const T0: f32 = -5.70498872745e-3;
const T1: f32 = 2.06390887954e-2;
const T2: f32 = -5.37397155531e-2;
const T3: f32 = 1.33314422036e-1;
const T4: f32 = -3.33332819422e-1;

// tanh: odd polynomial below |x| = 0.625, 1 - 2/(exp(2|x|) + 1) above; tanh(±inf) = ±1 exactly.
export function tanhf(x: f32): f32 {
  const a = abs(x);
  const s = x * x;
  const small: f32 = (((((T0 * s + T1) * s + T2) * s + T3) * s + T4) * s) * x + x;
  const big: f32 = 1.0 - 2.0 / (expf(a + a) + 1.0);
  const r: f32 = a < 0.625 ? small : copysign<f32>(big, x);
  return x != x ? x : r;
}

// @ts-ignore: decorator
@inline export function tanhv(x: v128): v128 {
  const a = f32x4.abs(x);
  const s = f32x4.mul(x, x);
  let p = f32x4.add(f32x4.mul(f32x4.splat(T0), s), f32x4.splat(T1));
  p = f32x4.add(f32x4.mul(p, s), f32x4.splat(T2));
  p = f32x4.add(f32x4.mul(p, s), f32x4.splat(T3));
  p = f32x4.add(f32x4.mul(p, s), f32x4.splat(T4));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, s), x), x);
  const one = f32x4.splat(1.0);
  const big = f32x4.sub(one, f32x4.div(f32x4.splat(2.0), f32x4.add(expv(f32x4.add(a, a)), one)));
  const sign = v128.and(x, i32x4.splat(0x80000000));
  const r = v128.bitselect(small, v128.or(big, sign), f32x4.lt(a, f32x4.splat(0.625)));
  return v128.bitselect(x, r, f32x4.ne(x, x));
}

export function sigmoidf(x: f32): f32 {
  return 1.0 / (1.0 + expf(-x));
}

// @ts-ignore: decorator
@inline export function sigmoidv(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, expv(f32x4.neg(x))));
}

// log(1 + x) for x >= 0 (Kahan's trick: exact to a few ulp even where 1 + x rounds).
export function log1pf(x: f32): f32 {
  const u: f32 = 1.0 + x;
  return u == 1.0 ? x : logf(u) * (x / (u - 1.0));
}
