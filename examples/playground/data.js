// The playground's data sets, in the spirit of TensorFlow Playground: points in the square [-6, 6]², two
// classes (1 and 0) or a regression target in [-1, 1]; made from a seed, so "regenerate" with the same
// seed gives the same points. Shared by the page (drawing) and the training worker.

/** A seeded uniform generator in [0, 1) (a 32-bit LCG: plenty for scattering points). */
export function rand(seed) {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

function normal(r, mean, sd) {
  const u = 1 - r(), v = r();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Each generator returns n points [x1, x2, label]; noise is 0..0.5. */
const SETS = {
  circle(n, noise, r) {
    const out = [];
    const radius = 5;
    const label = (x, y) => (Math.hypot(x, y) < radius * 0.5 ? 1 : 0);
    for (let i = 0; i < n; i++) {
      const inside = i < n / 2;
      const rr = inside ? r() * radius * 0.5 : radius * 0.7 + r() * radius * 0.3;
      const a = r() * 2 * Math.PI;
      const x = rr * Math.sin(a), y = rr * Math.cos(a);
      const nx = (r() * 2 - 1) * radius * noise, ny = (r() * 2 - 1) * radius * noise;
      out.push([x + nx, y + ny, label(x + nx, y + ny)]);
    }
    return out;
  },
  xor(n, noise, r) {
    const out = [];
    for (let i = 0; i < n; i++) {
      const pad = 0.3;
      let x = r() * 10 - 5, y = r() * 10 - 5;
      x += x > 0 ? pad : -pad;
      y += y > 0 ? pad : -pad;
      const nx = (r() * 2 - 1) * 5 * noise, ny = (r() * 2 - 1) * 5 * noise;
      out.push([x + nx, y + ny, (x + nx) * (y + ny) >= 0 ? 1 : 0]);
    }
    return out;
  },
  gauss(n, noise, r) {
    const out = [];
    const sd = 0.5 + noise * 7;
    for (let i = 0; i < n; i++) {
      const c = i < n / 2 ? 1 : 0;
      const m = c ? 2 : -2;
      out.push([normal(r, m, sd), normal(r, m, sd), c]);
    }
    return out;
  },
  spiral(n, noise, r) {
    const out = [];
    const half = n / 2;
    for (const [c, delta] of [[1, 0], [0, Math.PI]]) {
      for (let i = 0; i < half; i++) {
        const rr = (i / half) * 5;
        const t = ((1.75 * i) / half) * 2 * Math.PI + delta;
        out.push([rr * Math.sin(t) + (r() * 2 - 1) * noise, rr * Math.cos(t) + (r() * 2 - 1) * noise, c]);
      }
    }
    return out;
  },
  plane(n, noise, r) {
    const out = [];
    for (let i = 0; i < n; i++) {
      const x = r() * 12 - 6, y = r() * 12 - 6;
      out.push([x + (r() * 2 - 1) * 6 * noise, y + (r() * 2 - 1) * 6 * noise, (x + y) / 12]);
    }
    return out;
  },
};

export const DATASETS = Object.keys(SETS);
export const isRegression = (name) => name === "plane";

/** The points of a data set, shuffled, split into train and test by `trainRatio`. */
export function makeData({ dataset, noise, trainRatio, seed, n = 400 }) {
  if (!SETS[dataset]) throw new Error(`unknown data set ${dataset}; valid: ${DATASETS.join(", ")}`);
  const r = rand(seed);
  const points = SETS[dataset](n, noise, r);
  for (let i = points.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [points[i], points[j]] = [points[j], points[i]];
  }
  const k = Math.round(points.length * trainRatio);
  return { train: points.slice(0, k), test: points.slice(k) };
}

/** The input features a point can be shown to the network as (TensorFlow Playground's). */
export const FEATURES = {
  x1: (x1) => x1,
  x2: (x1, x2) => x2,
  "x1²": (x1) => x1 * x1,
  "x2²": (x1, x2) => x2 * x2,
  "x1·x2": (x1, x2) => x1 * x2,
  "sin x1": (x1) => Math.sin(x1),
  "sin x2": (x1, x2) => Math.sin(x2),
};

/** The network's input rows for the chosen features, as one Float32Array of rows. */
export function featureRows(points, features) {
  const fs = features.map((f) => FEATURES[f]);
  const out = new Float32Array(points.length * fs.length);
  points.forEach(([x1, x2], i) => fs.forEach((f, j) => (out[i * fs.length + j] = f(x1, x2))));
  return out;
}
