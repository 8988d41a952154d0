// A model <-> TF.js's ModelArtifacts ({ modelTopology, weightSpecs, weightData, trainingConfig }), the
// in-memory form of model.json + weights.bin. Loading checks everything before it builds anything a
// caller can see: a broken file gives an error naming what is wrong, never a half-loaded model.
import "../api.js"; // so that in the browser build the code this lazy module shares with the entry is one startup chunk
import type { Sequential } from "../model/sequential.js";
import { Dropout } from "../layers/dropout.js";
import { getOptimizer, optimizers, type Optimizer } from "../optim/index.js";
import { LOSS_NAMES } from "../losses.js";
import { ValueError, describe } from "../errors.js";
import { modelToTopology, layersFromTopology, type TopologyJson } from "./topology.js";

export interface WeightSpec { name: string; shape: number[]; dtype: "float32" | "int32"; group?: string }
export interface ModelArtifacts {
  modelTopology: TopologyJson | Record<string, unknown>;
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
  trainingConfig?: { loss: string; metrics: string[]; optimizer_config: { class_name: string; config: Record<string, unknown> } };
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
}

const MAX_ELEMENTS = 1 << 28; // 1 GiB of float32 in one tensor: anything larger is a broken file

const SLOT_NAMES: Record<string, string[]> = { SGD: ["momentum"], Adagrad: ["accumulator"], RMSprop: ["rms", "mg", "momentum"], Adam: ["m", "v"], AdamW: ["m", "v"] };

/** Encodes a built model (and, with includeOptimizer, its compiled training state). */
export function encode(model: Sequential, includeOptimizer: boolean): ModelArtifacts {
  const runner = model.built();
  const specs: WeightSpec[] = [];
  const chunks: ArrayBufferView[] = [];
  for (const p of runner.params) {
    specs.push({ name: p.name, shape: [...p.shape], dtype: "float32" });
    chunks.push(runner.readParam(p));
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
        specs.push({ name: `${p.name}/${names[s] ?? `slot${s}`}`, shape: [...p.shape], dtype: "float32", group });
        chunks.push(runner.arena.f32(ptr, p.size).slice());
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

function elements(where: string, shape: unknown): number {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new ValueError(`${where}: shape must be a list of non-negative integers; received ${JSON.stringify(shape)}`);
  const n = shape.reduce((a: number, d: number) => a * d, 1);
  if (n > MAX_ELEMENTS) throw new ValueError(`${where}: shape ${JSON.stringify(shape)} declares ${n} elements, more than the ${MAX_ELEMENTS} a weight may have`);
  return n;
}

/** Builds a model from artifacts; every check runs before the model is returned. */
export function decode(artifacts: unknown, make: (name: string, layers: import("../layers/layer.js").Layer[]) => Sequential): Sequential {
  if (!artifacts || typeof artifacts !== "object") throw new ValueError(`model artifacts must be { modelTopology, weightSpecs, weightData }; received ${describe(artifacts)}`);
  const a = artifacts as Partial<ModelArtifacts>;
  if (a.format !== undefined && a.format !== "layers-model") throw new ValueError(`model.json format ${describe(a.format)} is not supported; supported: "layers-model" (a graph model is not a layers model)`);
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
  const model = make(name, layers);
  const runner = model.built();
  const modelSpecs = specs.filter((s) => s.group !== "optimizer");
  const ps = runner.params;
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
  model.setWeights(values.map((data2, i) => ({ data: data2, shape: ps[i].shape })));
  const tc = a.trainingConfig;
  if (tc && typeof tc === "object" && tc.optimizer_config) {
    const opt = optimizerFromConfig(tc.optimizer_config);
    model.compile({ optimizer: opt, loss: tc.loss, metrics: tc.metrics });
    const byName = new Map(specs.map((s, i) => [s.name, { s, off: offsets[i] }]));
    const take = (n: string) => byName.get(n);
    const iter = take("iter");
    if (iter) opt.iterations = new Int32Array(data.slice(iter.off, iter.off + 4))[0];
    const names = SLOT_NAMES[opt.className] ?? [];
    for (const p of runner.params) {
      p.slots.forEach((ptr, s) => {
        const e = take(`${p.name}/${names[s] ?? `slot${s}`}`);
        if (e) runner.arena.f32(ptr, p.size).set(new Float32Array(data.slice(e.off, e.off + 4 * p.size)));
      });
    }
    const rng = take("myelin/rng/shuffle");
    if (rng) runner.arena.i32(runner.shuffleState, 4).set(new Int32Array(data.slice(rng.off, rng.off + 16)));
    for (const l of model.layers) {
      const e = l instanceof Dropout ? take(`myelin/rng/${l.name}`) : undefined;
      if (e && l instanceof Dropout) runner.arena.i32(l.state, 4).set(new Int32Array(data.slice(e.off, e.off + 16)));
    }
  }
  return model;
}

function optimizerFromConfig(oc: { class_name: string; config: Record<string, unknown> }): Optimizer {
  const c = oc.config ?? {};
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
