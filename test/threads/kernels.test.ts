// The parallel tile dispatch (src/pool.ts) on the GEMM shape sweep, with tiny tasks so that even the
// small shapes cut into many ragged tiles, column blocks and chunks: 1, 2, 3 and 4 threads against the
// float64 oracle and bit for bit against the single-threaded SIMD build. Where threads cannot run (a
// browser page that is not cross-origin isolated) it is skipped; test/runtimes runs isolated pages.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import "../../src/index.js"; // registers the pool with the backend
import { engineFromModule, type Engine } from "../../src/engine.js";
import { parallelKernels, Pool } from "../../src/pool.js";
import { threadsUnavailable } from "../../src/threads.js";
import { loadEngine, Scratch } from "../helpers/engines.js";
import { expectSameBits, randomArray } from "../helpers/check.js";
import { cases, EPILOGUES, LAYOUTS, run, type Case } from "../helpers/gemm-cases.js";
import { projectUrl, readBytes } from "../helpers/files.js";

const why = threadsUnavailable();
const TINY = { tileFlops: 64, chunk: 16 }; // split everything: 16 tiles even for a 4x8x1 GEMM

let module: WebAssembly.Module;
let pool: Pool;
const warnings: string[] = [];

beforeAll(async () => {
  if (why) return;
  module = await WebAssembly.compile(await readBytes(projectUrl("build/myelin.threads.wasm")));
  pool = new Pool(module, (w) => warnings.push(w));
});
afterAll(() => pool?.close());

/** A threads-build engine on the pool, with a scratch space whose first bytes are the pool's buffers. */
function parallelScratch(): { s: Scratch; engine: Engine; owner: object } {
  const engine = engineFromModule("threads", module);
  const owner = {};
  const { kernels, threads } = parallelKernels(pool, engine, owner, TINY);
  engine.kernels = kernels;
  engine.threads = threads;
  const s = new Scratch(engine);
  const slots = 4;
  const stride = Math.ceil(engine.kernels.gemm_work_bytes(264, 800) / 16) * 16;
  const record = s.reserve(128);
  const work = s.reserve(stride * slots);
  threads.setBuffers(record, work, stride, slots);
  return { s, engine, owner };
}

describe.skipIf(why !== undefined)("parallel kernels", () => {
  it.each([1, 2, 3, 4])("GEMM tiles on %i threads match the float64 oracle and the single-threaded bits", async (threads) => {
    await pool.resize(threads);
    expect(pool.threads).toBe(threads);
    const { s, engine } = parallelScratch();
    const serial = new Scratch(await loadEngine("simd"));
    const before = pool.workerTasks;
    let seed = 3;
    for (const layout of LAYOUTS) {
      const all: Case[] = [...cases()];
      if (layout === "nn") for (const e of EPILOGUES) for (const [m, n, k] of [[5, 9, 3], [13, 17, 7], [67, 129, 257], [1, 40, 9]]) all.push({ m, n, k, accumulate: m % 2 === 0, bias: true, ...e });
      for (const c of all) {
        seed += 7;
        const got = run(s, layout, c, seed); // checks against the float64 oracle
        expectSameBits(got, run(serial, layout, c, seed), `${threads} threads, gemm_${layout} ${JSON.stringify(c)}`);
      }
    }
    if (threads > 1) expect(pool.workerTasks).toBeGreaterThan(before); // the workers really took tiles
    engine.threads!.dispose();
  }, 120_000);

  it.each([2, 4])("bias gradients by column blocks and every optimizer update by chunks, on %i threads, give the single-threaded bits", async (threads) => {
    await pool.resize(threads);
    const { s } = parallelScratch();
    const serial = new Scratch(await loadEngine("simd"));
    const before = pool.workerTasks;
    for (const [m, n] of [[1, 33], [7, 40], [64, 130], [3, 1000]]) {
      const dy = randomArray(m * n, m + n), db = randomArray(n, 9);
      const out = [s, serial].map((sc) => {
        sc.reset();
        const p = sc.put(dy), q = sc.put(db);
        sc.k.bias_grad(m, n, p, q, 1);
        return sc.get(q, n);
      });
      expectSameBits(out[0], out[1], `bias_grad ${m}x${n}`);
    }
    const n = 20011; // 1250 chunks of 16 and a ragged one: enough that a worker woken from its sleep takes some
    type Update = (k: Scratch["k"], p: number[]) => void;
    const updates: Record<string, [number, Update]> = {
      sgd: [2, (k, [w, g]) => k.opt_sgd(w, g, n, 0.1)],
      momentum: [3, (k, [w, g, v]) => k.opt_momentum(w, g, v, n, 0.1, 0.9, 1)],
      adam: [4, (k, [w, g, m, v]) => k.opt_adam(w, g, m, v, n, 0.01, 0.9, 0.1, 0.999, 0.001, 1e-7, 1.2, 0.99)],
      rmsprop: [5, (k, [w, g, ms, mg, mom]) => k.opt_rmsprop(w, g, ms, mg, mom, n, 0.01, 0.9, 0.1, 1e-7, 0.5, 1, 0)],
      "rmsprop without its optional slots": [3, (k, [w, g, ms]) => k.opt_rmsprop(w, g, ms, 0, 0, n, 0.01, 0.9, 0.1, 1e-7, 0, 0, 1)],
      adagrad: [3, (k, [w, g, acc]) => k.opt_adagrad(w, g, acc, n, 0.01, 1e-7, 1)],
    };
    // Until the workers have taken part (a worker woken from its sleep may find a small job done).
    for (let round = 0; round < 50 && (round === 0 || pool.workerTasks === before); round++) {
      for (const [name, [count, update]] of Object.entries(updates)) {
        const arrays = Array.from({ length: count }, (_, i) => randomArray(n, 50 + i + round, i >= 2 ? 0 : -1, 1));
        const out = [s, serial].map((sc) => {
          sc.reset();
          const ptrs = arrays.map((a) => sc.put(a));
          for (let step = 0; step < 3; step++) update(sc.k, ptrs);
          return ptrs.map((p) => sc.get(p, n));
        });
        out[0].forEach((a, i) => expectSameBits(a, out[1][i], `${name} on ${threads} threads, array ${i}`));
      }
    }
    expect(pool.workerTasks).toBeGreaterThan(before);
  });

  it("no warnings: every worker started", () => {
    expect(warnings).toEqual([]);
  });
});
