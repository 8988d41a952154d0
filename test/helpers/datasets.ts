// Small datasets generated deterministically, and the Fashion-MNIST reader (Debian's dataset-fashion-mnist).
import { rng } from "./check.js";
import { isNode } from "./files.js";

// Node's fs and zlib, only where the tests run under Node (the browser run has no local datasets).
const node = isNode
  ? { fs: await import("node:fs"), zlib: await import("node:zlib") }
  : undefined;

/** Two interleaved spirals (the classic hard 2-D problem): n points per arm, labels 0/1. */
export function spirals(n: number, noise: number, seed: number): { x: number[][]; y: number[] } {
  const r = rng(seed);
  const x: number[][] = [], y: number[] = [];
  for (let arm = 0; arm < 2; arm++) {
    for (let i = 0; i < n; i++) {
      const t = (i / n) * 3 * Math.PI + 0.3;
      const rad = t / (3 * Math.PI);
      const a = t + arm * Math.PI;
      x.push([rad * Math.cos(a) + noise * (r() - 0.5), rad * Math.sin(a) + noise * (r() - 0.5)]);
      y.push(arm);
    }
  }
  return { x, y };
}

export const FASHION_DIR = "/usr/share/datasets/fashion-mnist";

export function fashionAvailable(): boolean {
  return node !== undefined && node.fs.existsSync(`${FASHION_DIR}/train-images-idx3-ubyte.gz`);
}

/** Whether a missing dataset must fail the run (.ci/run sets MYELIN_REQUIRE_DATASETS under Node). */
export const datasetsRequired = isNode && Boolean((globalThis as { process?: { env?: Record<string, string> } }).process?.env?.MYELIN_REQUIRE_DATASETS);

/** Images as [n, 784] floats in [0, 1] (pixels / 255) and labels 0..9. */
export function fashion(split: "train" | "t10k"): { x: { data: Float32Array; shape: [number, number] }; y: Int32Array } {
  if (!node) throw new Error("Fashion-MNIST is read from the local disk, under Node only");
  const img = node.zlib.gunzipSync(node.fs.readFileSync(`${FASHION_DIR}/${split}-images-idx3-ubyte.gz`));
  const lab = node.zlib.gunzipSync(node.fs.readFileSync(`${FASHION_DIR}/${split}-labels-idx1-ubyte.gz`));
  const n = img.readUInt32BE(4), rows = img.readUInt32BE(8), cols = img.readUInt32BE(12);
  if (img.readUInt32BE(0) !== 2051 || lab.readUInt32BE(0) !== 2049 || lab.readUInt32BE(4) !== n) throw new Error("not IDX image/label files");
  const d = rows * cols;
  const data = new Float32Array(n * d);
  for (let i = 0; i < n * d; i++) data[i] = img[16 + i] / 255;
  return { x: { data, shape: [n, d] }, y: Int32Array.from(lab.subarray(8, 8 + n)) };
}
