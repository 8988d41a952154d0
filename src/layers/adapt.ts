// Normalization.adapt's statistics: each feature's mean and (biased) variance over all the data, in
// float64, merged chunk by chunk (Chan, Golub & LeVeque's parallel form of Welford's update), so that
// nothing is copied whole: number[][] rows are read where they are, typed arrays through their views,
// and an (async) iterable of chunks is read once. Loaded on first use.
import "../api.js"; // so that in the browser build the code this lazy module shares with the entry is one startup chunk
import { checkOptions, checkPositiveInt, describe, invalid, ValueError } from "../errors.js";
import { toMatrix } from "../data.js";
import type { Normalization } from "./normalization.js";

/** Normalization.adapt: the statistics of the data, kept by the layer and written into its weights when its model is built. */
export async function adapt(layer: Normalization, x: unknown, args: { batchSize?: number } = {}): Promise<void> {
  if (layer.given) throw new ValueError(`layer ${layer.name}: adapt() on a Normalization given mean and variance (Keras refuses it too)`);
  const shape = layer.built ? layer.inputShape : layer.batchInputShape;
  const s = await moments(`${layer.name}.adapt(x)`, x, shape && shape.reduce((a, b) => a * b, 1), args);
  layer.stats = s;
  const runner = (layer.owner as { runner?: { writeParam(p: unknown, v: ArrayLike<number>): void } } | undefined)?.runner;
  if (runner && layer.params.length) [s.mean, s.variance].forEach((v, i) => runner.writeParam(layer.params[i], Float32Array.from(v)));
}

export async function moments(what: string, x: unknown, features: number | undefined, args: { batchSize?: number }): Promise<{ mean: Float64Array; variance: Float64Array }> {
  checkOptions(`${what.replace("(x)", "(x, args)")}`, args, ["batchSize"]);
  const chunk = checkPositiveInt(`${what.replace("(x)", "")}({ batchSize })`, args.batchSize ?? 4096);
  let n = 0, rowsSeen = 0;
  let mean: Float64Array | undefined, m2: Float64Array | undefined;
  /** Merges rows [r0, r1) of a source whose element (row, j) is get(row, j). */
  const merge = (rows: number, cols: number, get: (r: number, j: number) => number) => {
    if (features !== undefined && cols !== features) throw invalid(`${what} columns`, cols, `${features} (the layer's features)`);
    features = cols;
    mean ??= new Float64Array(cols);
    m2 ??= new Float64Array(cols);
    const cMean = new Float64Array(cols), cM2 = new Float64Array(cols);
    for (let r0 = 0; r0 < rows; r0 += chunk) {
      const r1 = Math.min(rows, r0 + chunk), k = r1 - r0;
      cMean.fill(0);
      cM2.fill(0);
      for (let r = r0; r < r1; r++) {
        for (let j = 0; j < cols; j++) {
          const v = get(r, j);
          if (typeof v !== "number" || !Number.isFinite(v)) throw new ValueError(`${what} must hold finite numbers; received ${describe(v)} at row ${rowsSeen + r}, column ${j}`);
          cMean[j] += v;
        }
      }
      for (let j = 0; j < cols; j++) cMean[j] /= k;
      for (let r = r0; r < r1; r++) for (let j = 0; j < cols; j++) cM2[j] += (get(r, j) - cMean[j]) ** 2;
      // Chan et al.: merge (n, mean, m2) with the chunk's (k, cMean, cM2).
      for (let j = 0; j < cols; j++) {
        const d = cMean[j] - mean[j], t = n + k;
        mean[j] += (d * k) / t;
        m2[j] += cM2[j] + (d * d * n * k) / t;
      }
      n += k;
    }
    rowsSeen += rows;
  };
  const take = (c: unknown) => {
    if (Array.isArray(c) && c.length && Array.isArray(c[0]) && !Array.isArray(c[0][0])) {
      // number[][]: read in place, each row checked for its width
      const cols = (c[0] as unknown[]).length;
      c.forEach((row, i) => {
        if (!Array.isArray(row) || row.length !== cols) throw invalid(`${what}[${rowsSeen + i}]`, row, `an array of ${cols} numbers, like row 0`);
      });
      merge(c.length, cols, (r, j) => (c as number[][])[r][j]);
    } else {
      const m = toMatrix(what, c, undefined, false); // typed arrays: a view, not a copy; nested shapes flattened
      merge(m.shape[0], m.shape[1], (r, j) => m.data[r * m.shape[1] + j]);
    }
  };
  const o = x as Record<symbol, unknown> | null;
  const iterable = o !== null && typeof o === "object" && !Array.isArray(o) && !("shape" in (o as object)) && (typeof o[Symbol.asyncIterator] === "function" || typeof o[Symbol.iterator] === "function");
  if (iterable) for await (const c of x as AsyncIterable<unknown>) take(c);
  else take(x);
  if (!n || !mean || !m2) throw invalid(what, x, "data with at least one row");
  const m2f = m2;
  return { mean, variance: m2f.map((v) => v / n) };
}
