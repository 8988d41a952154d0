// A model <-> TF.js's ModelArtifacts ({ modelTopology, weightSpecs, weightData, trainingConfig }), the
// in-memory form of model.json + weights.bin. Loading checks everything before it builds anything a
// caller can see: a broken file gives an error naming what is wrong, never a half-loaded model.
import "../api.js"; // so that in the browser build the code this lazy module shares with the entry is one startup chunk
import type { Sequential } from "../model/sequential.js";
import { Dropout } from "../layers/dropout.js";
import { getOptimizer, optimizers, type Optimizer } from "../optim/index.js";
import { RMSprop } from "../optim/rules.js";
import { LOSS_NAMES } from "../losses.js";
import { ValueError, describe } from "../errors.js";
import { modelToTopology, type TopologyJson } from "./topology.js";
import { layersFromTopology } from "./reader.js";
import { checkDepth, elements } from "./checks.js";

/** One tensor of a weights file, as TF.js's weightsManifest lists them. */
export interface WeightSpec {
  /** Its name ("dense_1/kernel", or a saved training state's "iter", "dense_1/kernel/m", …). */
  name: string;
  /** Its shape. */
  shape: number[];
  /** "float32", or "int32" for step counts and PRNG states. */
  dtype: "float32" | "int32";
  /** "optimizer" for saved training state. */
  group?: string;
}
/** TF.js's ModelArtifacts: model.json's parts and the weights, in memory. */
export interface ModelArtifacts {
  /** Keras's JSON topology. */
  modelTopology: TopologyJson | Record<string, unknown>;
  /** The tensors in weightData, in order. */
  weightSpecs: WeightSpec[];
  /** The tensors' bytes, little-endian, in weightSpecs order. */
  weightData: ArrayBuffer;
  /** The compiled loss, metrics and optimizer (saved with includeOptimizer). */
  trainingConfig?: {
    /** The loss's Keras name. */
    loss: string;
    /** The metrics' names. */
    metrics: string[];
    /** The optimizer's class and config. */
    optimizer_config: {
      /** "Adam", "SGD", …. */
      class_name: string;
      /** Its getConfig(). */
      config: Record<string, unknown>;
    };
  };
  /** "layers-model". */
  format?: string;
  /** The writer ("myelin 0.1.0", "TensorFlow.js tfjs-layers v4.22.0", …). */
  generatedBy?: string;
  /** The converter, if any. */
  convertedBy?: string | null;
}

const SLOT_NAMES: Record<string, string[]> = { SGD: ["momentum"], Adagrad: ["accumulator"], RMSprop: ["rms", "mg", "momentum"], Adam: ["m", "v"], AdamW: ["m", "v"] };
/** Slots that are sums of squares: negative values would make the update NaN. */
const NON_NEGATIVE_SLOTS = new Set(["v", "rms", "accumulator"]);

/** Encodes a built model (and, with includeOptimizer, its compiled training state). */
export function encode(model: Sequential, includeOptimizer: boolean): ModelArtifacts {
  const runner = model.built();
  const specs: WeightSpec[] = [];
  const chunks: ArrayBufferView[] = [];
  for (const p of runner.params) {
    const v = runner.readParam(p);
    // What save writes, load reads: a weight that is not finite (training diverged) is not written.
    const bad = v.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new ValueError(`save(): weight ${p.name} holds ${v[bad]} at index ${bad}: a model whose training diverged is not saved (History.nonFinite says when)`);
    specs.push({ name: p.name, shape: [...p.shape], dtype: "float32" });
    chunks.push(v);
  }
  const artifacts: ModelArtifacts = {
    modelTopology: modelToTopology(model.name, model.layers),
    weightSpecs: specs,
    weightData: new ArrayBuffer(0),
    format: "layers-model",
    generatedBy: "myelin 0.1.0",
    convertedBy: null,
  };
  const c = model.compiled;
  if (includeOptimizer && c) {
    const opt = c.optimizer;
    artifacts.trainingConfig = {
      loss: LOSS_NAMES[c.loss],
      metrics: c.metrics.map((m) => (m === "acc" ? "accuracy" : m)),
      optimizer_config: { class_name: opt.className, config: opt.getConfig() },
    };
    const group = "optimizer";
    specs.push({ name: "iter", shape: [], dtype: "int32", group });
    chunks.push(Int32Array.of(opt.iterations));
    const names = SLOT_NAMES[opt.className] ?? [];
    for (const p of runner.params) {
      p.slots.forEach((ptr, s) => {
        const name = `${p.name}/${names[s] ?? `slot${s}`}`;
        const v = runner.arena.f32(ptr, p.size).slice();
        if (!v.every(Number.isFinite)) throw new ValueError(`save(): the optimizer's ${name} is not finite: training diverged; save without includeOptimizer, or train again`);
        specs.push({ name, shape: [...p.shape], dtype: "float32", group });
        chunks.push(v);
      });
    }
    // The PRNG streams that training continues (shuffling, each dropout), so a resumed fit matches.
    specs.push({ name: "myelin/rng/shuffle", shape: [4], dtype: "int32", group });
    chunks.push(runner.arena.i32(runner.shuffleState, 4).slice());
    for (const l of model.layers) {
      if (!(l instanceof Dropout)) continue;
      specs.push({ name: `myelin/rng/${l.name}`, shape: [4], dtype: "int32", group });
      chunks.push(runner.arena.i32(l.state, 4).slice());
    }
  }
  const total = chunks.reduce((a, c2) => a + c2.byteLength, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const ch of chunks) {
    out.set(new Uint8Array(ch.buffer, ch.byteOffset, ch.byteLength), o);
    o += ch.byteLength;
  }
  artifacts.weightData = out.buffer;
  return artifacts;
}

/** Builds a model from artifacts; every check runs before the model is returned. */
export function decode(artifacts: unknown, make: (name: string, layers: import("../layers/layer.js").Layer[]) => Sequential): Sequential {
  if (!artifacts || typeof artifacts !== "object") throw new ValueError(`model artifacts must be { modelTopology, weightSpecs, weightData }; received ${describe(artifacts)}`);
  const a = artifacts as Partial<ModelArtifacts>;
  if (a.format !== undefined && a.format !== "layers-model") throw new ValueError(`model.json format ${describe(a.format)} is not supported; supported: "layers-model" (a graph model is not a layers model)`);
  checkDepth("modelTopology", a.modelTopology);
  checkDepth("trainingConfig", a.trainingConfig);
  const { name, layers } = layersFromTopology(a.modelTopology);
  const specs = a.weightSpecs;
  if (!Array.isArray(specs)) throw new ValueError(`weightSpecs (weightsManifest[].weights) must be a list; received ${describe(specs)}`);
  const data = a.weightData;
  if (!(data instanceof ArrayBuffer)) throw new ValueError(`weightData must be an ArrayBuffer of the weights' bytes; received ${describe(data)}`);
  // Sizes first: shapes, then the byte count against the data.
  let bytes = 0;
  const offsets: number[] = [];
  specs.forEach((s, i) => {
    const where = `weight ${i} (${describe(s?.name)})`;
    if (!s || typeof s !== "object" || typeof s.name !== "string") throw new ValueError(`${where} must be { name, shape, dtype }; received ${describe(s)}`);
    if (s.dtype !== "float32" && s.dtype !== "int32") throw new ValueError(`${where}: dtype ${describe(s.dtype)} is not supported; supported: float32 (int32 for optimizer state)`);
    offsets.push(bytes);
    bytes += 4 * elements(where, s.shape);
  });
  if (bytes !== data.byteLength) {
    throw new ValueError(`weight data has ${data.byteLength} bytes but the manifest's weights need ${bytes}: the file is ${data.byteLength < bytes ? "truncated" : "longer than declared (extra bytes)"}`);
  }
  // The topology's weights against the manifest's, before anything is allocated: a small model.json
  // cannot make the loader build a huge model that its weights do not fill.
  let dim = layers[0].batchInputDim;
  if (dim === undefined) throw new ValueError("modelTopology: the first layer has no batch_input_shape (the input size)");
  for (const l of layers) dim = l.build(dim);
  const ps = layers.flatMap((l) => l.params);
  const modelSpecs = specs.filter((s) => s.group !== "optimizer");
  if (modelSpecs.length !== ps.length) throw new ValueError(`the weights manifest lists ${modelSpecs.length} model weights; the topology has ${ps.length} (${ps.map((p) => p.name).join(", ")})`);
  const values: Float32Array[] = [];
  modelSpecs.forEach((s, i) => {
    const p = ps[i];
    if (s.shape.length !== p.shape.length || s.shape.some((d, j) => d !== p.shape[j])) {
      throw new ValueError(`weight ${s.name} has shape ${JSON.stringify(s.shape)}; the topology's ${p.name} needs ${JSON.stringify(p.shape)}`);
    }
    if (s.dtype !== "float32") throw new ValueError(`weight ${s.name} must be float32; received ${s.dtype}`);
    const v = new Float32Array(data.slice(offsets[specs.indexOf(s)], offsets[specs.indexOf(s)] + 4 * p.size));
    for (let j = 0; j < v.length; j++) if (!Number.isFinite(v[j])) throw new ValueError(`weight ${s.name} holds ${v[j]} at index ${j}: weights must be finite`);
    values.push(v);
  });
  const model = make(name, layers);
  const runner = model.built();
  model.setWeights(values.map((data2, i) => ({ data: data2, shape: ps[i].shape })));
  const tc = a.trainingConfig;
  if (tc && typeof tc === "object" && tc.optimizer_config !== undefined) {
    const opt = optimizerFromConfig(tc.optimizer_config);
    model.compile({ optimizer: opt, loss: tc.loss, metrics: tc.metrics });
    // Saved training state is untrusted too: each piece is checked (size, type, range) before it is used.
    const byName = new Map(specs.map((s, i) => [s.name, { s, off: offsets[i] }]));
    const take = (n: string, shape: readonly number[], dtype: string) => {
      const e = byName.get(n);
      if (e && (e.s.dtype !== dtype || JSON.stringify(e.s.shape) !== JSON.stringify(shape))) {
        throw new ValueError(`saved training state ${n} must have shape ${JSON.stringify(shape)} and dtype ${dtype}; received shape ${JSON.stringify(e.s.shape)} of ${e.s.dtype}`);
      }
      return e;
    };
    const iter = take("iter", [], "int32");
    if (iter) {
      const t = new Int32Array(data.slice(iter.off, iter.off + 4))[0];
      if (t < 0) throw new ValueError(`saved training state iter must be a non-negative step count; received ${t}`);
      opt.iterations = t;
    }
    const names = SLOT_NAMES[opt.className] ?? [];
    for (const p of runner.params) {
      p.slots.forEach((ptr, s) => {
        const slot = names[s] ?? `slot${s}`;
        const e = take(`${p.name}/${slot}`, p.shape, "float32");
        if (!e) return;
        const v = new Float32Array(data.slice(e.off, e.off + 4 * p.size));
        const nonNegative = NON_NEGATIVE_SLOTS.has(slot);
        for (let j = 0; j < v.length; j++) {
          if (!Number.isFinite(v[j]) || (nonNegative && v[j] < 0)) {
            throw new ValueError(`saved training state ${p.name}/${slot} holds ${v[j]} at index ${j}; it must be finite${nonNegative ? " and not negative" : ""}`);
          }
        }
        runner.arena.f32(ptr, p.size).set(v);
      });
      // Centered RMSprop's variance is ms - mg^2: a mean square is never below the square of the mean
      // (up to float32 rounding); a state where it is makes the next step's root NaN.
      if (opt instanceof RMSprop && opt.centered) {
        const ms = runner.arena.f32(p.slots[0], p.size), mg = runner.arena.f32(p.slots[1], p.size);
        const j = ms.findIndex((m, i) => Math.fround(m - Math.fround(mg[i] * mg[i])) < -1e-6 * mg[i] * mg[i]);
        if (j >= 0) throw new ValueError(`saved training state ${p.name}/rms holds ${ms[j]} at index ${j}, below the square of ${p.name}/mg (${mg[j]}): not a state centered RMSprop can reach`);
      }
    }
    const rngState = (n: string, dst: number) => {
      const e = take(n, [4], "int32");
      if (!e) return;
      const st = new Int32Array(data.slice(e.off, e.off + 16));
      // PCG32's increment (the high 8 bytes) is odd in every state it makes.
      if ((st[2] & 1) === 0) throw new ValueError(`saved training state ${n} is not a PCG32 state (its increment must be odd)`);
      runner.arena.i32(dst, 4).set(st);
    };
    rngState("myelin/rng/shuffle", runner.shuffleState);
    for (const l of model.layers) if (l instanceof Dropout) rngState(`myelin/rng/${l.name}`, l.state);
  }
  return model;
}

function optimizerFromConfig(oc: { class_name: string; config: Record<string, unknown> }): Optimizer {
  if (!oc || typeof oc !== "object") throw new ValueError(`trainingConfig.optimizer_config must be { class_name, config }; received ${describe(oc)}`);
  const c = (oc.config && typeof oc.config === "object" ? oc.config : {}) as Record<string, unknown>;
  const clip = { clipnorm: c.clipnorm as number | undefined, globalClipnorm: c.globalClipnorm as number | undefined, clipvalue: c.clipvalue as number | undefined };
  const lr = (c.learningRate ?? c.learning_rate ?? c.lr) as number | undefined;
  switch (oc.class_name) {
    case "SGD": return optimizers.sgd({ learningRate: lr, momentum: c.momentum as number, nesterov: c.nesterov as boolean, ...clip });
    case "Adagrad": return optimizers.adagrad({ learningRate: lr, initialAccumulatorValue: c.initialAccumulatorValue as number, epsilon: c.epsilon as number, convention: c.convention as "torch", ...clip });
    case "RMSprop": return optimizers.rmsprop({ learningRate: lr, rho: c.rho as number, momentum: c.momentum as number, epsilon: c.epsilon as number, centered: c.centered as boolean, convention: c.convention as "torch", ...clip });
    case "Adam": return optimizers.adam({ learningRate: lr, beta1: c.beta1 as number, beta2: c.beta2 as number, epsilon: c.epsilon as number, weightDecay: c.weightDecay as number, convention: c.convention as "torch", ...clip });
    case "AdamW": return optimizers.adamw({ learningRate: lr, beta1: c.beta1 as number, beta2: c.beta2 as number, epsilon: c.epsilon as number, weightDecay: c.weightDecay as number, convention: c.convention as "torch", ...clip });
    default: return getOptimizer(String(oc.class_name).toLowerCase());
  }
}
