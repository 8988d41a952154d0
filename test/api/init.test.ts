// init(): optional; picks SIMD where WebAssembly.validate accepts it, and can load a given build from
// bytes, a compiled module or a URL. Both builds train the same model to the same weights here,
// because every kernel a dense MLP uses sums in the same order in both (see the README).
import { describe, expect, it } from "vitest";
import { activeBuild, init, layers, optimizers, sequential, setSeed } from "../../src/index.js";
import { autoThreads, threadsUnavailable } from "../../src/threads.js";
import { projectUrl, readBytes } from "../helpers/files.js";

async function train() {
  setSeed(3);
  const m = sequential({ layers: [layers.dense({ units: 8, activation: "tanh", inputShape: [3] }), layers.dense({ units: 1, activation: "sigmoid" })] });
  m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }), loss: "binaryCrossentropy" });
  await m.fit([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], [0, 1, 1, 0], { epochs: 20, batchSize: 2, verbose: 0, seed: 1 });
  return m.getWeights().map((w) => Array.from(w.data));
}

describe("init", () => {
  it("first use loads the threads build where threads can run on several cores, else the SIMD build, without init()", () => {
    expect(activeBuild()).toBe(threadsUnavailable() || autoThreads() === 1 ? "simd" : "threads");
  });

  it("loads the scalar build from bytes, the SIMD build from a URL or a module, with the same results", async () => {
    const simd = await train();
    const bytes = await readBytes(projectUrl("build/myelin.scalar.wasm"));
    expect(await init({ wasm: bytes, build: "scalar" })).toBe("scalar");
    expect(activeBuild()).toBe("scalar");
    const scalar = await train();
    expect(scalar).toEqual(simd);
    expect(await init({ wasm: projectUrl("build/myelin.simd.wasm") })).toBe("simd"); // a given wasm without a build: single-threaded
    const module = await WebAssembly.compile(await readBytes(projectUrl("build/myelin.simd.wasm")));
    expect(await init({ wasm: module })).toBe("simd");
    expect(await train()).toEqual(simd);
    const threads = await WebAssembly.compile(await readBytes(projectUrl("build/myelin.threads.wasm")));
    expect(await init({ wasm: threads, build: "threads", threads: 2 })).toBe(threadsUnavailable() ? "simd" : "threads");
    expect(await train()).toEqual(simd);
  });

  it("rejects what is not wasm", async () => {
    await expect(init({ wasm: 42 as unknown as BufferSource })).rejects.toThrow(/init\(\{ wasm \}\) must be a WebAssembly.Module, bytes, a URL or a Response; received 42/);
  });
});
