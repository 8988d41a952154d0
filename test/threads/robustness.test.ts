// The pool under use that is not a clean single fit: dispose during and after training, two models
// training at once, a model growing its memory while workers hold it, a worker that cannot start, and a
// Node process that must exit when its work is done. Every result is compared bit for bit with one thread.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as myelin from "../../src/index.js";
import { threadPool } from "../../src/backend.js";
import { threadsUnavailable } from "../../src/threads.js";
import { engineFromModule } from "../../src/engine.js";
import { parallelKernels, Pool } from "../../src/pool.js";
import { expectSameBits, randomArray } from "../helpers/check.js";
import { isNode, projectUrl, readBytes } from "../helpers/files.js";
import { loadEngine, Scratch } from "../helpers/engines.js";

const why = threadsUnavailable();
const N = 256, D = 96;
const X = { data: randomArray(N * D, 1), shape: [N, D] as [number, number] };
const Y = Int32Array.from({ length: N }, (_, i) => (i * 7) % 10);

function model(seed: number) {
  myelin.setSeed(seed);
  const m = myelin.sequential({
    layers: [
      myelin.layers.dense({ units: 192, activation: "relu", inputShape: [D] }),
      myelin.layers.dense({ units: 64, activation: "tanh" }),
      myelin.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
  return m;
}

async function trained(seed: number, args: myelin.FitArgs = {}) {
  const m = model(seed);
  await m.fit(X, Y, { epochs: 2, batchSize: 32, verbose: 0, seed, ...args });
  return m;
}

const weights = (m: myelin.Sequential) => m.getWeights().map((w) => w.data);

let oneThread: Float32Array[][];
beforeAll(async () => {
  await myelin.init({ threads: 1 });
  oneThread = [weights(await trained(1)), weights(await trained(2))];
  await myelin.init({ threads: 2 });
}, 60_000);
afterAll(async () => {
  await myelin.init({ threads: 1 });
});

describe.skipIf(why !== undefined)("threads: robustness", () => {
  it("dispose after training gives the workers' instances back; the next model trains the same", async () => {
    const pool = threadPool()!;
    const before = pool.attached;
    const m = await trained(1);
    expect(pool.attached).toBe(before + 1);
    weights(m).forEach((w, i) => expectSameBits(w, oneThread[0][i], `weights ${i}`));
    m.dispose();
    expect(pool.attached).toBe(before);
    expect(() => m.predict(X)).toThrow(/has been disposed/);
    weights(await trained(1)).forEach((w, i) => expectSameBits(w, oneThread[0][i], `weights ${i} after a dispose`));
  });

  it("a worker stuck in a job is a clear error after the stall limit, not a hang; the pool runs again once it is gone", async () => {
    const pool = threadPool()!;
    const m = await trained(1);
    const want = m.predict(X).data;
    const ACTIVE = 1; // the control word counting workers inside a job (src/pool.ts)
    pool.stallMs = 200;
    Atomics.add(pool.ctrl, ACTIVE, 1); // a worker that entered the last job and never leaves it
    try {
      expect(() => m.predict(X)).toThrow(/^myelin: a worker thread has been still leaving the last job for over 0.2 s; the thread pool stopped here instead of waiting forever/);
    } finally {
      Atomics.sub(pool.ctrl, ACTIVE, 1);
      pool.stallMs = 60_000;
    }
    expectSameBits(m.predict(X).data, want, "predictions after the stall");
    weights(await trained(2)).forEach((w, i) => expectSameBits(w, oneThread[1][i], `weights ${i} after the stall`));
  });

  it("dispose during training (from a callback) stops fit with a clear error and frees the model after it", async () => {
    const pool = threadPool()!;
    const before = pool.attached;
    const m = model(1);
    let batches = 0;
    const fit = m.fit(X, Y, {
      epochs: 5, batchSize: 32, verbose: 0,
      callbacks: [{ onBatchEnd: () => { if (++batches === 3) m.dispose(); } }],
    });
    await expect(fit).rejects.toThrow(`model ${m.name} was disposed during fit() (by a callback's onBatchEnd); training stopped`);
    expect(batches).toBe(3);
    expect(pool.attached).toBe(before);
    expect(() => m.getWeights()).toThrow(/has been disposed/);
  });

  it("two models training at once (interleaved at every batch) each get their one-thread weights", async () => {
    const [a, b] = await Promise.all([trained(1, { yieldEvery: 1 }), trained(2, { yieldEvery: 1 })]);
    weights(a).forEach((w, i) => expectSameBits(w, oneThread[0][i], `model a, weights ${i}`));
    weights(b).forEach((w, i) => expectSameBits(w, oneThread[1][i], `model b, weights ${i}`));
  });

  it("a model grows its memory while workers hold it (a larger batch), with the same results", async () => {
    const m = await trained(1);
    const memory = (m as unknown as { engine: { memory: WebAssembly.Memory } }).engine.memory;
    const bytes = memory.buffer.byteLength;
    const big = { data: randomArray(4096 * D, 3), shape: [4096, D] as [number, number] };
    const p = m.predict(big, { batchSize: 4096 });
    expect(memory.buffer.byteLength).toBeGreaterThan(bytes);
    await myelin.init({ threads: 1 });
    const ref = await trained(1);
    expectSameBits(p.data, ref.predict(big, { batchSize: 4096 }).data, "predictions after growing");
    await myelin.init({ threads: 2 });
  });

  it("the thread count goes down and up between fits (idle workers stay, new ones start): the same bits, no hang", async () => {
    for (const threads of [4, 1, 3, 2, 4, 2]) {
      await myelin.init({ threads });
      expect(myelin.threadCount()).toBe(threads);
      weights(await trained(1)).forEach((w, i) => expectSameBits(w, oneThread[0][i], `${threads} threads, weights ${i}`));
    }
  });

  it("a worker that cannot start is reported and left out; the work is done on the other threads", async () => {
    const module = await WebAssembly.compile(await readBytes(projectUrl("build/myelin.threads.wasm")));
    const warnings: string[] = [];
    const pool = new Pool(module, (w) => warnings.push(w), new URL("./no-such-worker.js", import.meta.url));
    await pool.resize(3); // resolves: never a hang
    expect(pool.threads).toBe(1);
    expect(warnings.sort()).toEqual([expect.stringMatching(/^worker thread 1 failed \(.+\); its share runs on the other threads$/), expect.stringMatching(/^worker thread 2 failed/)]);
    const engine = engineFromModule("threads", module);
    const { kernels, threads } = parallelKernels(pool, engine, {}, { tileFlops: 64, chunk: 16 });
    engine.kernels = kernels;
    const s = new Scratch(engine), serial = new Scratch(await loadEngine("simd"));
    threads.setBuffers(s.reserve(128), s.reserve(3 * 65536), 65536, 3);
    const [m, n, k] = [37, 45, 29];
    const out = [s, serial].map((sc) => {
      const a = sc.put(randomArray(m * k, 1)), b = sc.put(randomArray(k * n, 2)), c = sc.alloc(m * n), w = sc.alloc(16384);
      sc.k.gemm_nn(m, n, k, a, b, c, 0, 0, 0, 0, w);
      return sc.get(c, m * n);
    });
    expectSameBits(out[0], out[1], "gemm with no worker up");
    pool.close();
  });

  it.skipIf(!isNode)("a Node process that trained on threads exits by itself", async () => {
    const { spawnSync } = await import("node:child_process");
    const script = `import * as m from ${JSON.stringify(projectUrl("dist/index.js").href)};
      m.setSeed(1);
      const model = m.sequential({ layers: [m.layers.dense({ units: 256, activation: "relu", inputShape: [256] }), m.layers.dense({ units: 10, activation: "softmax" })] });
      model.compile({ optimizer: "sgd", loss: "sparseCategoricalCrossentropy" });
      const x = { data: new Float32Array(512 * 256).fill(0.5), shape: [512, 256] };
      await model.fit(x, new Int32Array(512), { epochs: 1, batchSize: 128, verbose: 0 });
      console.log(m.threadCount());`;
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(Number(r.stdout.trim())).toBeGreaterThan(1);
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
});
