// npm run bench:kernels — kernel throughput on one thread, in one run: the measured wasm SIMD mul+add
// peak, GEMM GFLOP/s and % of that peak per layout (SIMD build, scalar build beside it), and the
// elementwise kernels in GB/s. Prints figures only; nothing here passes or fails on time.
// Timing: each figure is the best of 5 samples of >= 0.15 s after a warm-up (STYLE.md 12).
import { readFileSync } from "node:fs";
import { cpus } from "node:os";

const root = new URL("../", import.meta.url);
// `node bench/kernels.mjs gemm` or `... elementwise` runs one part; no argument runs both.
const part = process.argv[2] ?? "all";
const SAMPLES = 5;
const MIN_SAMPLE_S = 0.15;

function time(fn) {
  fn();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    const dt = (performance.now() - t0) / 1e3;
    if (dt >= MIN_SAMPLE_S / 4) { reps = Math.max(1, Math.ceil((reps * MIN_SAMPLE_S) / dt)); break; }
    reps *= 4;
  }
  let best = Infinity;
  for (let s = 0; s < SAMPLES; s++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    best = Math.min(best, (performance.now() - t0) / 1e3 / reps);
  }
  return best; // seconds per call
}

async function load(build) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { instance } = await WebAssembly.instantiate(readFileSync(new URL(`build/myelin.${build}.wasm`, root)), { env: { memory } });
  const k = instance.exports;
  let top = (k.heap_base() + 15) & ~15;
  const alloc = (floats) => {
    const p = top;
    top = (top + floats * 4 + 64 + 15) & ~15;
    if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / 65536));
    return p;
  };
  const fill = (p, n, lo = -1, hi = 1) => {
    const f = new Float32Array(memory.buffer, p, n);
    let s = 12345;
    for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; f[i] = lo + ((hi - lo) * s) / 4294967296; }
  };
  return { k, alloc, fill, reset: () => (top = (k.heap_base() + 15) & ~15) };
}

async function peak() {
  const { instance } = await WebAssembly.instantiate(readFileSync(new URL("build/peak.wasm", root)), {});
  const memory = instance.exports.memory;
  if (memory.buffer.byteLength < 65536) memory.grow(1);
  new Float32Array(memory.buffer, 1024, 144).fill(0.5);
  const iters = 2_000_000;
  const s = time(() => instance.exports.peak_madd(iters, 1024));
  return (iters * 64) / s / 1e9;
}

// GEMM layouts in training terms: nn = forward X·W; tn = dW = Xᵀ·dY; nt = dX = dY·Wᵀ.
function gemmRunner(e, layout, m, n, k) {
  e.reset();
  const a = e.alloc(m * k), b = e.alloc(k * n), c = e.alloc(m * n), work = e.alloc(e.k.gemm_work_bytes(n, k) / 4);
  e.fill(a, m * k); e.fill(b, k * n);
  if (layout === "nn") return () => e.k.gemm_nn(m, n, k, a, b, c, 0, 0, 0, 0, work);
  if (layout === "tn") return () => e.k.gemm_tn(m, n, k, a, b, c, 0, work);
  return () => e.k.gemm_nt(m, n, k, a, b, c, 0, work);
}

const gflops = (m, n, k, s) => (2 * m * n * k) / s / 1e9;
const pad = (s, w) => String(s).padStart(w);

const simd = await load("simd");
const scalar = await load("scalar");
const cpu = cpus()[0]?.model ?? "unknown CPU";
console.log(`myelin kernel benchmark — ${cpu}, Node ${process.versions.node} (V8 ${process.versions.v8}), one thread`);
const P = await peak();
console.log(`measured wasm SIMD mul+add peak (8 independent f32x4 accumulators): ${P.toFixed(1)} GFLOP/s\n`);

if (part === "all" || part === "gemm") {
console.log("GEMM (row-major f32). nn: Y = X·W (forward); tn: dW = Xᵀ·dY; nt: dX = dY·Wᵀ");
console.log(`${"shape (M x N x K)".padEnd(34)}${pad("layout", 7)}${pad("SIMD GFLOP/s", 14)}${pad("% peak", 8)}${pad("scalar GFLOP/s", 16)}${pad("SIMD/scalar", 13)}`);
const row = (label, layout, m, n, k) => {
  const sv = gflops(m, n, k, time(gemmRunner(simd, layout, m, n, k)));
  const sc = gflops(m, n, k, time(gemmRunner(scalar, layout, m, n, k)));
  console.log(`${label.padEnd(34)}${pad(layout, 7)}${pad(sv.toFixed(1), 14)}${pad(((sv / P) * 100).toFixed(0) + "%", 8)}${pad(sc.toFixed(1), 16)}${pad((sv / sc).toFixed(1) + "x", 13)}`);
};
for (const s of [256, 512, 1024]) for (const l of ["nn", "tn", "nt"]) row(`${s}³`, l, s, s, s);
for (const batch of [32, 128]) {
  for (const [inp, units] of [[784, 128], [128, 64], [64, 10]]) {
    row(`batch ${batch}, ${inp}→${units} forward`, "nn", batch, units, inp);
    row(`batch ${batch}, ${inp}→${units} dW`, "tn", inp, units, batch);
    row(`batch ${batch}, ${inp}→${units} dX`, "nt", batch, inp, units);
  }
}
}

if (part === "all" || part === "elementwise") {
console.log("\nElementwise and row kernels, n = 131072 floats (L2-resident); GB/s counts bytes read + written");
console.log(`${"kernel".padEnd(34)}${pad("SIMD GB/s", 11)}${pad("scalar GB/s", 13)}${pad("SIMD/scalar", 13)}`);
const N = 131072;
const elementwise = [
  ["relu forward", 8, (e, p) => () => e.k.act_forward(4, p[0], p[1], N, 0)],
  ["sigmoid forward", 8, (e, p) => () => e.k.act_forward(2, p[0], p[1], N, 0)],
  ["tanh forward", 8, (e, p) => () => e.k.act_forward(3, p[0], p[1], N, 0)],
  ["exp", 8, (e, p) => () => e.k.expf_n(p[0], p[1], N)],
  ["log", 8, (e, p) => () => e.k.logf_n(p[2], p[1], N)],
  ["sigmoid backward", 12, (e, p) => () => e.k.act_backward(2, p[2], p[0], p[1], N, 0)],
  ["softmax forward (rows of 16)", 8, (e, p) => () => e.k.softmax_forward(p[0], p[1], N / 16, 16)],
  ["softmax + CCE loss (rows of 16)", 16, (e, p) => () => e.k.loss_softmax_cce(p[0], p[2], p[1], p[3], N / 16, 16)],
  ["sgd update", 12, (e, p) => () => e.k.opt_sgd(p[1], p[0], N, 0.01)],
  ["momentum update", 20, (e, p) => () => e.k.opt_momentum(p[1], p[0], p[2], N, 0.01, 0.9, 0)],
  ["adam update", 28, (e, p) => () => e.k.opt_adam(p[1], p[0], p[2], p[3], N, 0.001, 0.9, 0.1, 0.999, 0.001, 1e-7, 1, 1)],
  ["dropout forward (PCG32 draws)", 12, (e, p) => () => e.k.dropout_forward(p[4], p[0], p[1], p[2], N, 0.3, 1 / 0.7)],
  ["bias_grad (rows of 128)", 4, (e, p) => () => e.k.bias_grad(N / 128, 128, p[0], p[1], 0)],
  // Normalization, rows of 128 features: batch norm reads x twice (moments) and writes y; its backward
  // reads x and dy twice and writes dx; layer norm reads each row three times and writes it once.
  ["batch norm moments (rows of 128)", 8, (e, p) => () => e.k.col_moments(p[0], N / 128, 128, p[1], p[1] + 512)],
  ["batch norm forward (rows of 128)", 8, (e, p) => () => e.k.bn_forward(p[0], p[1], N / 128, 128, p[2], p[3], p[2] + 512, p[3] + 512)],
  ["batch norm backward (rows of 128)", 20, (e, p) => () => e.k.bn_backward(p[0], p[1], p[1], N / 128, 128, p[2], p[3], p[2] + 512, p[2] + 1024, p[3] + 1024)],
  ["layer norm forward (rows of 128)", 16, (e, p) => () => e.k.ln_forward(p[0], p[1], N / 128, 128, p[2], p[3], 1e-3, p[3] + 2048)],
  ["layer norm backward (rows of 128)", 20, (e, p) => () => e.k.ln_backward(p[0], p[1], p[1], N / 128, 128, p[2], p[3] + 2048, p[2] + 1024, p[3] + 1024)],
];
for (const [name, bytesPerElem, make] of elementwise) {
  const rates = [simd, scalar].map((e) => {
    e.reset();
    const p = [e.alloc(N), e.alloc(N), e.alloc(N), e.alloc(N), e.alloc(4)];
    e.fill(p[0], N, -3, 3); e.fill(p[1], N, -1, 1); e.fill(p[2], N, 0.01, 1); e.fill(p[3], N, 0.01, 1);
    e.k.pcg_seed(p[4], 1, 0, 1);
    return (N * bytesPerElem) / time(make(e, p)) / 1e9;
  });
  console.log(`${name.padEnd(34)}${pad(rates[0].toFixed(1), 11)}${pad(rates[1].toFixed(1), 13)}${pad((rates[0] / rates[1]).toFixed(1) + "x", 13)}`);
}
}
