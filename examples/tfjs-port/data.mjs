// Fashion-MNIST as TF.js examples hold it before making tensors: images as nested arrays [n][28][28] of
// pixels / 255, labels as class ids. From Debian's dataset-fashion-mnist (or $FASHION_MNIST_DIR).
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

const dir = process.env.FASHION_MNIST_DIR ?? "/usr/share/datasets/fashion-mnist";

export function loadFashion(split, count) {
  if (!existsSync(`${dir}/${split}-images-idx3-ubyte.gz`)) {
    console.error(`Fashion-MNIST is not installed here (looked in ${dir}): sudo apt-get install dataset-fashion-mnist, or set FASHION_MNIST_DIR`);
    process.exit(2);
  }
  const img = gunzipSync(readFileSync(`${dir}/${split}-images-idx3-ubyte.gz`));
  const lab = gunzipSync(readFileSync(`${dir}/${split}-labels-idx1-ubyte.gz`));
  const n = Math.min(count, lab.readUInt32BE(4));
  const images = Array.from({ length: n }, (_, i) => Array.from({ length: 28 }, (_, r) => Array.from(img.subarray(16 + i * 784 + r * 28, 16 + i * 784 + r * 28 + 28), (v) => v / 255)));
  return { images, labels: Array.from(lab.subarray(8, 8 + n)) };
}
