// The model-file fuzzer: saved models (with and without optimizer state, dropout, several optimizers)
// mutated at random (JSON edits and type confusions, huge and negative shapes, paths, deep nesting,
// __proto__ keys, truncation, bit flips, zeroed or negative optimizer and PRNG state), then loaded from
// artifacts, from one byte string, or (Node) from a folder on disk. Each case must end in a ValueError
// or in a model that predicts, trains and saves soundly (its weights round-trip), with its wasm memory
// within a bound proportional to the files' size.
import fc from "fast-check";

const junk = [null, -1, 0, 1, 1e12, -1e12, 2 ** 31, 0.5, "x", "", "../x", "%2e%2e/w.bin", [], {}, [1e6, 1e6], [-3], true, { __proto__: { polluted: 1 } }];

/** The first 4000 paths to values in a JSON tree, breadth first (shallow paths first); pick(i) is one of them. */
function paths(root) {
  const nodes = [{ v: root, up: -1, key: null }];
  for (let head = 0; head < nodes.length && nodes.length < 4000; head++) {
    const v = nodes[head].v;
    if (v && typeof v === "object") for (const key of Object.keys(v)) nodes.push({ v: v[key], up: head, key });
  }
  nodes.length = Math.min(nodes.length, 4000);
  const pathOf = (i) => {
    const p = [];
    for (let n = nodes[i]; n.up >= 0; n = nodes[n.up]) p.push(n.key);
    return p.reverse();
  };
  return { length: nodes.length, pick: (i) => pathOf(i % nodes.length) };
}

const isObject = (v) => v !== null && typeof v === "object";

function at(root, path) {
  return path.reduce((v, k) => (v == null ? v : v[k]), root);
}

function setAt(root, path, value) {
  if (path.length === 0) return value;
  const parent = at(root, path.slice(0, -1));
  if (parent && typeof parent === "object") parent[path[path.length - 1]] = value;
  return root;
}

/** A value small enough to repeat 50,000 times (the fuzzer's own JSON.stringify must stay fast). */
function small(v) {
  if (v === undefined) return false;
  try {
    return JSON.stringify(v).length <= 200;
  } catch {
    return false; // too deep
  }
}

function nest(depth, leaf) {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant("json"), pick: fc.nat(), op: fc.constantFrom("delete", "junk", "nest", "proto", "wrapArray", "bigArray", "swapType") , value: fc.nat(junk.length - 1), depth: fc.constantFrom(3, 70, 10_000) }),
  fc.record({ kind: fc.constant("bytes"), op: fc.constantFrom("truncate", "append", "flip", "zero", "nan", "ff"), where: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant("state"), op: fc.constantFrom("iterNegative", "rngZero", "rngEven", "slotNegative", "slotNaN"), which: fc.nat() }),
  fc.record({ kind: fc.constant("manifest"), op: fc.constantFrom("manyPaths", "dupPaths", "encodedPath", "absolutePath", "hugeShape", "negativeShape", "int32Weight", "dropSpec", "extraSpec", "renameSpec") }),
);

export const fileCase = fc.record({
  base: fc.nat(),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
  via: fc.constantFrom("artifacts", "artifacts", "bytes", "bytes", "disk"),
  seed: fc.nat(1000),
});

/** A few saved models to mutate: { json (model.json's object), weights (bytes) }. */
export async function bases(my) {
  const out = [];
  const data = (n, seed) => {
    let s = seed;
    const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const x = Array.from({ length: n }, () => [r(), r(), r(), r()]);
    return { x, y: x.map((v) => (v[0] > v[1] ? 0 : v[2] > 0.5 ? 1 : 2)) };
  };
  const configs = [
    { opt: () => my.optimizers.adam(0.01), dropout: true, includeOptimizer: true },
    { opt: () => my.optimizers.rmsprop({ centered: true, momentum: 0.5 }), dropout: false, includeOptimizer: true, bn: true },
    { opt: () => my.optimizers.sgd({ momentum: 0.9, nesterov: true }), dropout: true, includeOptimizer: true },
    { opt: () => my.optimizers.adagrad(), dropout: false, includeOptimizer: true, bn: true, frozen: true },
    { opt: () => my.optimizers.sgd(), dropout: false, includeOptimizer: false },
  ];
  for (const [i, c] of configs.entries()) {
    my.setSeed(i + 1);
    const m = my.sequential({
      layers: [
        ...(c.bn ? [my.layers.flatten({ inputShape: [2, 2] })] : []),
        my.layers.dense({ units: 6, activation: "relu", inputShape: c.bn ? undefined : [4], kernelRegularizer: i === 1 ? "l2" : undefined, trainable: !c.frozen }),
        ...(c.dropout ? [my.layers.dropout({ rate: 0.25 })] : []),
        ...(c.bn ? [my.layers.batchNormalization({ momentum: 0.9 })] : []),
        my.layers.dense({ units: 3, activation: "softmax" }),
      ],
    });
    m.compile({ optimizer: c.opt(), loss: "sparseCategoricalCrossentropy", metrics: ["accuracy"] });
    const { x, y } = data(32, i + 7);
    await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    const a = (await m.save("memory", { includeOptimizer: c.includeOptimizer })).artifacts;
    out.push({
      json: { modelTopology: a.modelTopology, format: "layers-model", weightsManifest: [{ paths: ["weights.bin"], weights: a.weightSpecs }], ...(a.trainingConfig ? { trainingConfig: a.trainingConfig } : {}) },
      weights: new Uint8Array(a.weightData),
    });
    m.dispose();
  }
  return out;
}

function mutate(base, muts, rand) {
  const json = JSON.parse(JSON.stringify(base.json));
  let weights = base.weights.slice();
  let root = json;
  let deep = 0;
  const specs = () => {
    const w = root?.weightsManifest?.[0]?.weights;
    return Array.isArray(w) ? w : [];
  };
  const offsetOf = (pred) => {
    let off = 0;
    for (const s of specs()) {
      const n = 4 * (Array.isArray(s?.shape) ? s.shape.reduce((a, d) => a * d, 1) : 0);
      if (pred(s)) return [off, n];
      off += n;
    }
    return [-1, 0];
  };
  for (const mu of muts) {
    if (mu.kind === "json") {
      const p = paths(root).pick(mu.pick);
      const v = at(root, p);
      switch (mu.op) {
        case "delete": if (p.length) delete at(root, p.slice(0, -1))[p[p.length - 1]]; break;
        case "junk": root = setAt(root, p, structuredClone(junk[mu.value])); break;
        case "nest": {
          // One nest as deep as 10,000 levels (the issue's case) per file; more would overflow the fuzzer's own JSON.stringify.
          const depth = mu.depth > 100 && deep++ ? 500 : mu.depth;
          root = setAt(root, p, nest(depth, v ?? null));
          break;
        }
        case "proto": if (v && typeof v === "object") Object.defineProperty(v, "__proto__", { value: { polluted: true, class_name: "Dense" }, enumerable: true, writable: true, configurable: true }); break;
        case "wrapArray": root = setAt(root, p, [v]); break;
        case "bigArray": {
          const item = small(v) ? v : 1;
          root = setAt(root, p, Array.from({ length: 50_000 }, () => item));
          break;
        }
        case "swapType": root = setAt(root, p, typeof v === "number" ? String(v) : typeof v === "string" ? v.length : Array.isArray(v) ? { ...v } : v && typeof v === "object" ? Object.values(v) : v); break;
      }
    } else if (mu.kind === "bytes") {
      const n = weights.length;
      const w = n ? mu.where % n : 0;
      switch (mu.op) {
        case "truncate": weights = weights.slice(0, w); break;
        case "append": weights = Uint8Array.from([...weights, ...Array.from({ length: mu.len }, () => Math.floor(rand() * 256))]); break;
        case "flip": if (n) weights[w] ^= 1 << (mu.len % 8); break;
        case "zero": weights.fill(0, w, w + mu.len); break;
        case "nan": if (n >= 4) new DataView(weights.buffer).setUint32(Math.min(w & ~3, n - 4), 0x7fc00000, true); break;
        case "ff": weights.fill(0xff, w, w + mu.len); break;
      }
    } else if (mu.kind === "state") {
      const dv = new DataView(weights.buffer);
      const names = specs().map((s) => s?.name);
      const pick = (f) => names.filter((x) => typeof x === "string" && f(x));
      const write = (name, f) => {
        const [off, len] = offsetOf((s) => s?.name === name);
        if (off >= 0 && off + len <= weights.length) for (let i = 0; i < len; i += 4) f(dv, off + i, i / 4);
      };
      const one = (list) => list[mu.which % Math.max(1, list.length)];
      switch (mu.op) {
        case "iterNegative": write("iter", (d, o) => d.setInt32(o, -5, true)); break;
        case "rngZero": write(one(pick((x) => x.startsWith("myelin/rng/"))), (d, o) => d.setInt32(o, 0, true)); break;
        case "rngEven": write(one(pick((x) => x.startsWith("myelin/rng/"))), (d, o, i) => i === 2 && d.setInt32(o, d.getInt32(o, true) & ~1, true)); break;
        case "slotNegative": write(one(pick((x) => /\/(v|rms|accumulator|m|mg|momentum)$/.test(x))), (d, o) => d.setFloat32(o, -1, true)); break;
        case "slotNaN": write(one(pick((x) => /\/(v|rms|accumulator|m|mg|momentum)$/.test(x))), (d, o, i) => i === 0 && d.setFloat32(o, NaN, true)); break;
      }
    } else {
      const man = root?.weightsManifest?.[0];
      if (!man || typeof man !== "object") continue;
      const ws = Array.isArray(man.weights) ? man.weights : [];
      switch (mu.op) {
        case "manyPaths": man.paths = Array.from({ length: 50_000 }, () => "weights.bin"); break;
        case "dupPaths": man.paths = ["weights.bin", "weights.bin"]; break;
        case "encodedPath": man.paths = ["%2e%2e/weights.bin"]; break;
        case "absolutePath": man.paths = ["/etc/hostname"]; break;
        case "hugeShape": if (isObject(ws[0])) ws[0].shape = [1e5, 1e5]; break;
        case "negativeShape": if (isObject(ws[0])) ws[0].shape = [-4, -6]; break;
        case "int32Weight": if (isObject(ws[0])) ws[0].dtype = "int32"; break;
        case "dropSpec": ws.pop(); break;
        case "extraSpec": ws.push({ name: "extra", shape: [3], dtype: "float32" }); break;
        case "renameSpec": if (isObject(ws[1])) ws[1].name = "dense_x/bias"; break;
      }
    }
  }
  return { json: root, weights };
}

function toArtifacts(json) {
  const man = Array.isArray(json?.weightsManifest) ? json.weightsManifest : [];
  return { modelTopology: json?.modelTopology, format: json?.format, trainingConfig: json?.trainingConfig, weightSpecs: man.flatMap((g) => (Array.isArray(g?.weights) ? g.weights : [])) };
}

/** The byte string save("memory").bytes is: magic "MYL1", JSON length (u32 LE), JSON, weights. */
function toByteString(json, weights) {
  const text = new TextEncoder().encode(JSON.stringify(json) ?? "null");
  const out = new Uint8Array(8 + text.length + weights.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0x314c594d, true);
  dv.setUint32(4, text.length, true);
  out.set(text, 8);
  out.set(weights, 8 + text.length);
  return out;
}

let folder;
async function onDisk(json, weights) {
  const fs = await import("node:fs");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  folder ??= fs.mkdtempSync(join(tmpdir(), "myelin-fuzz-"));
  const dir = join(folder, "m");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir);
  fs.writeFileSync(join(folder, "secret.bin"), weights); // beside the folder: a path that escapes finds it
  fs.writeFileSync(join(dir, "model.json"), JSON.stringify(json) ?? "null");
  fs.writeFileSync(join(dir, "weights.bin"), weights);
  return dir;
}

const LOAD_LIMIT_MS = 1000;

/** One case: mutate, load, and check the outcome. Returns "valueError" or "loaded". */
export async function runFileCase(my, all, c, tick, stats) {
  let s = c.seed + 1;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const base = all[c.base % all.length];
  const { json, weights } = mutate(base, c.mutations, rand);
  const text = JSON.stringify(json) ?? "";
  const size = text.length + weights.length;
  tick(`load via ${c.via} after ${c.mutations.map((m) => `${m.kind}:${m.op}`).join(", ")}`);
  const load = async () => {
    if (c.via === "artifacts") return my.loadLayersModel({ ...toArtifacts(json), weightData: weights.slice().buffer });
    if (c.via === "bytes") return my.loadLayersModel(toByteString(json, weights));
    return my.loadLayersModel(typeof process === "object" ? await onDisk(json, weights) : toByteString(json, weights));
  };
  const timed = async () => {
    const t0 = performance.now();
    let model, error;
    try {
      model = await load();
    } catch (e) {
      error = e;
    }
    return { model, error, ms: performance.now() - t0 };
  };
  let { model, error, ms } = await timed();
  if (ms > LOAD_LIMIT_MS) {
    // Within 1 s, every case: timed again before it fails, so that one pause of a shared machine is not a finding.
    model?.dispose();
    ({ model, error, ms } = await timed());
    if (ms > LOAD_LIMIT_MS) throw new Error(`loading took ${ms.toFixed(0)} ms, twice (the limit is ${LOAD_LIMIT_MS} ms)`);
  }
  if (ms > stats.worstMs) Object.assign(stats, { worstMs: ms, worstMsCase: `${c.via}: ${c.mutations.map((m) => `${m.kind}:${m.op}`).join(", ")}` });
  if (error) {
    if (!(error instanceof my.ValueError)) throw new Error(`loading threw a ${error?.constructor?.name ?? typeof error}, not a ValueError: ${error?.message ?? error}`);
    stats.valueError++;
    return "valueError";
  }
  // Memory: the model's wasm memory, once loaded and again once it has trained, is bounded by the files'
  // size (16 bytes per byte of files, over 1 MiB for the batch buffers of the 5-row fit below).
  const checkMemory = () => {
    const memory = model.runner.engine.memory.buffer.byteLength;
    if (memory > stats.worstMemory) Object.assign(stats, { worstMemory: memory, worstMemoryFiles: size });
    if (memory > 16 * size + 2 ** 20) throw new Error(`a model of ${size} bytes of files holds ${memory} bytes of wasm memory`);
  };
  checkMemory();
  // A model that loads predicts, trains and saves soundly.
  tick("predict, fit and save the loaded model");
  const d = model.runner.inputDim;
  const x = Array.from({ length: 5 }, (_, i) => Array.from({ length: d }, (_, j) => ((i + j) % 7) / 7));
  const p = model.predict(x);
  if (p.shape[0] !== 5) throw new Error("predict returned the wrong shape");
  if (!model.compiled) model.compile({ optimizer: "sgd", loss: "meanSquaredError" });
  const units = model.runner.outputDim;
  const y = model.compiled.loss === "mse" || model.compiled.loss === "bce" || units < 2 ? x.map(() => Array.from({ length: units }, () => 0.5)) : x.map((_, i) => i % units);
  const warn = console.warn;
  console.warn = () => {}; // a mutated weight may make training diverge: that is reported, not an error
  try {
    await model.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
  } finally {
    console.warn = warn;
  }
  checkMemory();
  let saved;
  try {
    saved = await model.save("memory", { includeOptimizer: true });
  } catch (e) {
    if (e instanceof my.ValueError && /^save\(\): (weight .* holds|.* is not finite)/.test(e.message)) {
      model.dispose();
      stats.loaded++;
      return "loaded"; // training diverged; save says so instead of writing what load would refuse
    }
    throw e;
  }
  const back = await my.loadLayersModel(saved.bytes);
  const a = model.getWeights().map((t) => Array.from(new Uint32Array(t.data.slice().buffer)).join());
  const b = back.getWeights().map((t) => Array.from(new Uint32Array(t.data.slice().buffer)).join());
  if (a.join("|") !== b.join("|")) throw new Error("the loaded model's weights do not round-trip through save and load");
  back.dispose();
  model.dispose();
  stats.loaded++;
  return "loaded";
}
