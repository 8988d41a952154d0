// layers.normalization (Keras's preprocessing Normalization) and adapt: float64 statistics equal to a
// direct computation, the same whether the data comes whole, in chunks or streamed; Keras's formula with
// its 1e-7 floor; saved as state and with Keras's config fields; bad data and misuse are ValueErrors.
import { describe, expect, it } from "vitest";
import { layers, loadLayersModel, Sequential, sequential, setSeed, ValueError } from "../../src/index.js";
import { expectClose, rng } from "../helpers/check.js";

const r = rng(3);
const X = Array.from({ length: 1000 }, () => [r() * 100 + 1000, r() * 0.01, 5, r() * 2 - 1]); // a large offset, a tiny scale, a constant
const direct = (x: ArrayLike<number>[]) => {
  const c = x[0].length, mean = new Array(c).fill(0), variance = new Array(c).fill(0);
  for (const row of x) Array.from(row).forEach((v, j) => (mean[j] += v));
  mean.forEach((v, j) => (mean[j] = v / x.length));
  for (const row of x) Array.from(row).forEach((v, j) => (variance[j] += (v - mean[j]) ** 2));
  return { mean, variance: variance.map((v) => v / x.length) };
};
const stats = (m: Sequential) => m.getWeights().map((w) => Array.from(w.data));

describe("normalization and adapt", () => {
  it("adapt learns each feature's mean and biased variance in float64; predict is (x - mean) / max(sqrt(variance), 1e-7)", async () => {
    const norm = layers.normalization({ inputShape: [4] });
    expect(norm.isAdapted).toBe(false);
    await norm.adapt(X);
    expect(norm.isAdapted).toBe(true);
    const m = sequential({ layers: [norm] });
    const [mean, variance] = m.getWeights().map((w) => w.data);
    const want = direct(X);
    expectClose(mean, want.mean.map(Math.fround), 0, "mean (float64, then rounded once to float32)");
    expectClose(variance, want.variance.map(Math.fround), (j) => 2 ** -23 * want.variance[j], "variance"); // the constant feature: exactly 0
    const p = m.predict(X.slice(0, 5)).data;
    const y = X.slice(0, 5).flatMap((row) => row.map((v, j) => (Math.fround(v) - mean[j]) / Math.max(Math.sqrt(variance[j]), 1e-7)));
    expectClose(p, y, (i) => 1e-5 * Math.max(1, Math.abs(y[i])), "normalized");
    expect(Array.from(p.filter((_, i) => i % 4 === 2))).toEqual([0, 0, 0, 0, 0]); // the constant feature: 0, not NaN
  });

  it("the same statistics from a typed array in chunks of 7, from an async iterable of chunks, and adapted inside a built model", async () => {
    const f32 = X.map((row) => Float32Array.from(row)); // what a Float32Array holds
    const want = direct(f32);
    const typed = layers.normalization({ inputShape: [4] });
    await typed.adapt({ data: Float32Array.from(X.flat()), shape: [X.length, 4] }, { batchSize: 7 });
    const streamed = layers.normalization({ inputShape: [4] });
    await streamed.adapt((async function* () { for (let i = 0; i < X.length; i += 300) yield f32.slice(i, i + 300).map((v) => Array.from(v)); })());
    const built = sequential({ layers: [layers.normalization({ inputShape: [4] }), layers.dense({ units: 2 })] });
    expect(() => built.predict([[0, 0, 0, 0]])).toThrow(/normalization_\d+ \(Normalization\) has no statistics: await layer.adapt\(x\) first, or give mean and variance/);
    await (built.layers[0] as import("../../src/index.js").Normalization).adapt({ data: Float32Array.from(X.flat()), shape: [X.length, 4] });
    for (const m of [sequential({ layers: [typed] }), sequential({ layers: [streamed] }), built]) {
      const [mean, variance] = stats(m);
      expectClose(mean, want.mean, (j) => 1e-7 * Math.abs(want.mean[j]) + 1e-9, "mean");
      expectClose(variance, want.variance, (j) => 1e-6 * want.variance[j], "variance");
    }
  });

  it("the statistics are state: fit does not move them; saved as weights (adapted) or config (given), with Keras's field names", async () => {
    setSeed(2);
    const norm = layers.normalization({ inputShape: [4] });
    await norm.adapt(X);
    const m = sequential({ layers: [norm, layers.dense({ units: 3, activation: "softmax" })] });
    m.compile({ optimizer: "adam", loss: "sparseCategoricalCrossentropy" });
    const before = stats(m).slice(0, 2);
    await m.fit(X.slice(0, 64), X.slice(0, 64).map((v) => (v[3] > 0 ? 1 : 0)), { epochs: 2, verbose: 0 });
    expect(stats(m).slice(0, 2)).toEqual(before);
    const a = (await m.save("memory")).artifacts!;
    const cfg = (a.modelTopology as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }).config.layers[0];
    expect(cfg.class_name).toBe("Normalization");
    expect(Object.keys(cfg.config).sort()).toEqual(["axis", "batch_input_shape", "dtype", "invert", "mean", "name", "trainable", "variance"]);
    expect([cfg.config.axis, cfg.config.mean, cfg.config.variance, cfg.config.invert]).toEqual([-1, null, null, false]);
    expect(a.weightSpecs.slice(0, 2).map((s) => s.name)).toEqual([`${norm.name}/mean`, `${norm.name}/variance`]);
    const back = await loadLayersModel(a);
    expect(Array.from(back.predict(X.slice(0, 9)).data)).toEqual(Array.from(m.predict(X.slice(0, 9)).data));
    const given = sequential({ layers: [layers.normalization({ inputShape: [2], mean: [1, 2], variance: [4, 0] })] });
    expect(Array.from(given.predict([[3, 2]]).data)).toEqual([1, 0]);
    expect((given.getConfig().layers[0].config as { mean: number[] }).mean).toEqual([1, 2]);
    const again = await loadLayersModel((await given.save("memory")).artifacts!);
    expect(Array.from(again.predict([[5, 3]]).data)).toEqual([2, Math.fround(1e7)]);
  });

  it("a Keras 2 file's third Normalization weight, count (int64 saved as int32 by TF.js's converter), is checked and dropped: the model predicts as without it", async () => {
    setSeed(4);
    const norm = layers.normalization({ inputShape: [4] });
    await norm.adapt(X);
    const m = sequential({ layers: [norm, layers.dense({ units: 3 })] });
    const a = (await m.save("memory")).artifacts!;
    // Keras 2's order, layer by layer: mean, variance, count, then the dense layer's kernel and bias.
    const withCount = (count: ArrayBuffer, dtype: "int32" | "float32", shape: number[] = []) => {
      const specs = [...a.weightSpecs];
      const at = specs.findIndex((s) => s.name === `${norm.name}/variance`) + 1;
      const off = specs.slice(0, at).reduce((n, s) => n + 4 * s.shape.reduce((p, d) => p * d, 1), 0);
      specs.splice(at, 0, { name: `${norm.name}/count`, shape, dtype });
      const bytes = new Uint8Array(a.weightData.byteLength + count.byteLength);
      bytes.set(new Uint8Array(a.weightData, 0, off));
      bytes.set(new Uint8Array(count), off);
      bytes.set(new Uint8Array(a.weightData, off), off + count.byteLength);
      return { ...a, weightSpecs: specs, weightData: bytes.buffer };
    };
    const want = Array.from(m.predict(X.slice(0, 9)).data);
    for (const [count, dtype] of [[Int32Array.of(1000).buffer, "int32"], [Float32Array.of(1000).buffer, "float32"]] as const) {
      const back = await loadLayersModel(withCount(count, dtype));
      expect(Array.from(back.predict(X.slice(0, 9)).data)).toEqual(want);
      expect(back.getWeights().map((w) => w.shape)).toEqual(m.getWeights().map((w) => w.shape));
      // Saved again in Keras 3's form: mean and variance only.
      expect((await back.save("memory")).artifacts!.weightSpecs.map((s) => s.name)).toEqual(a.weightSpecs.map((s) => s.name));
    }
    await expect(loadLayersModel(withCount(Int32Array.of(-3).buffer, "int32"))).rejects.toThrow(new RegExp(`weight ${norm.name}/count \\(Keras 2's Normalization sample count\\) holds -3; a count is an integer >= 0`));
    await expect(loadLayersModel(withCount(Float32Array.of(2.5).buffer, "float32"))).rejects.toThrow(/holds 2.5; a count is an integer >= 0/);
    // Not a scalar: not Keras 2's count, so one weight too many, as any other extra weight.
    await expect(loadLayersModel(withCount(Int32Array.of(1, 2).buffer, "int32", [2]))).rejects.toThrow(/the weights manifest lists 5 model weights; the topology has 4/);
  });

  it("NaN in the data, a second adapt of given statistics, mean without variance, invert: clear errors that change nothing", async () => {
    const norm = layers.normalization({ inputShape: [4] });
    const bad = X.slice(0, 10).map((row) => [...row]);
    bad[6][2] = NaN;
    await expect(norm.adapt(bad)).rejects.toThrow(/normalization_\d+\.adapt\(x\) must hold finite numbers; received NaN at row 6, column 2/);
    expect(norm.isAdapted).toBe(false);
    await expect(norm.adapt(X.map((row) => row.slice(0, 3)))).rejects.toThrow(/adapt\(x\) columns must be 4 \(the layer's features\); received 3/);
    await expect(layers.normalization({ mean: 0, variance: 1 }).adapt(X)).rejects.toThrow(/adapt\(\) on a Normalization given mean and variance/);
    expect(() => layers.normalization({ mean: [0, 1] })).toThrow(/mean, variance \}\) must be both given, or neither/);
    expect(() => layers.normalization({ mean: 0, variance: -1 })).toThrow(/variance \}\) must be a finite number >= 0/);
    expect(() => layers.normalization({ invert: true })).toThrow(/invert \}\) must be false/);
    await expect(norm.adapt([] as never)).rejects.toThrow(ValueError);
  });
});
