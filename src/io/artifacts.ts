// A model <-> TF.js's ModelArtifacts ({ modelTopology, weightSpecs, weightData, trainingConfig }), the
// in-memory form of model.json + weights.bin. Loading checks everything before it builds anything a
// caller can see: a broken file gives an error naming what is wrong, never a half-loaded model.
import "../api.js"; // so that in the browser build the code this lazy module shares with the entry is one startup chunk
import type { Sequential } from "../model/sequential.js";
import type { Layer } from "../layers/layer.js";
import { restoreTraining, stateTensors } from "../model/state.js";
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
    /** The loss's TF.js name, or Keras's { class_name, config } when it has options. */
    loss: string | {
      /** Keras's loss class ("Huber", "CategoricalCrossentropy", …). */
      class_name: string;
      /** Its options, snake_case (delta, from_logits, label_smoothing). */
      config: Record<string, unknown>;
    };
    /** The metrics' names, or Keras's { class_name, config } for one with options. */
    metrics: (string | {
      /** Keras's metric class ("AUC", "TopKCategoricalAccuracy", …). */
      class_name: string;
      /** Its options, as Keras names them (num_thresholds, k, thresholds). */
      config: Record<string, unknown>;
    })[];
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

/** Encodes a built model (and, with includeOptimizer, its compiled training state). */
export function encode(model: Sequential, includeOptimizer: boolean): ModelArtifacts {
  const { tensors, config } = stateTensors(model, includeOptimizer);
  const artifacts: ModelArtifacts = {
    modelTopology: modelToTopology(model.name, model.layers, model.layers[0].inputShape),
    weightSpecs: tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: t.data instanceof Int32Array ? "int32" : "float32", ...(t.group ? { group: t.group } : {}) })),
    weightData: new ArrayBuffer(0),
    format: "layers-model",
    generatedBy: "myelin 0.1.0",
    convertedBy: null,
  };
  if (config) artifacts.trainingConfig = config;
  const out = new Uint8Array(tensors.reduce((a, t) => a + t.data.byteLength, 0));
  let o = 0;
  for (const { data } of tensors) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), o);
    o += data.byteLength;
  }
  artifacts.weightData = out.buffer;
  return artifacts;
}

/** Builds a model from artifacts; every check runs before the model is returned. */
export function decode(artifacts: unknown, make: (name: string, layers: Layer[]) => Sequential): Sequential {
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
  let shape = layers[0].batchInputShape;
  if (shape === undefined) throw new ValueError("modelTopology: the first layer has no batch_input_shape (the input size)");
  for (const l of layers) shape = l.build(shape);
  const ps = layers.flatMap((l) => l.params);
  // Keras 2's Normalization also saves `count` (the samples its last adapt saw): adapt starts over, so no
  // model's output depends on it. It is checked and dropped; Keras 3 and myelin save mean and variance only.
  const counts = new Set(layers.filter((l) => l.className === "Normalization").map((l) => `${l.name}/count`));
  const modelSpecs = specs.filter((s, i) => {
    if (s.group === "optimizer") return false;
    if (!counts.has(s.name) || s.shape.length !== 0) return true;
    const v = s.dtype === "int32" ? new Int32Array(data, offsets[i], 1)[0] : new Float32Array(data.slice(offsets[i], offsets[i] + 4))[0];
    if (!Number.isInteger(v) || v < 0) throw new ValueError(`weight ${s.name} (Keras 2's Normalization sample count) holds ${v}; a count is an integer >= 0`);
    return false;
  });
  if (modelSpecs.length !== ps.length) throw new ValueError(`the weights manifest lists ${modelSpecs.length} model weights; the topology has ${ps.length} (${ps.map((p) => p.name).join(", ")})`);
  // By name when every weight's name is there (TF.js lists trainable weights first, then the others:
  // a frozen layer's or BatchNormalization's moving statistics come last), else in order (older converters).
  const named = new Map(modelSpecs.map((s) => [s.name, s]));
  const ordered = ps.every((p) => named.has(p.name)) ? ps.map((p) => named.get(p.name)!) : modelSpecs;
  const values: Float32Array[] = [];
  ordered.forEach((s, i) => {
    const p = ps[i];
    if (s.shape.length !== p.shape.length || s.shape.some((d, j) => d !== p.shape[j])) {
      throw new ValueError(`weight ${s.name} has shape ${JSON.stringify(s.shape)}; the topology's ${p.name} needs ${JSON.stringify(p.shape)}`);
    }
    if (s.dtype !== "float32") throw new ValueError(`weight ${s.name} must be float32; received ${s.dtype}`);
    const off = offsets[specs.indexOf(s)];
    const v = new Float32Array(data.slice(off, off + 4 * p.size));
    for (let j = 0; j < v.length; j++) if (!Number.isFinite(v[j])) throw new ValueError(`weight ${s.name} holds ${v[j]} at index ${j}: weights must be finite`);
    values.push(v);
  });
  const model = make(name, layers);
  model.setWeights(values.map((v, i) => ({ data: v, shape: ps[i].shape })));
  const tc = a.trainingConfig;
  if (tc && typeof tc === "object" && tc.optimizer_config !== undefined) {
    const byName = new Map(specs.map((s, i) => [s.name, { s, off: offsets[i] }]));
    restoreTraining(model, tc, (n, shape2, dtype) => {
      const e = byName.get(n);
      if (!e) return undefined;
      if (e.s.dtype !== dtype || JSON.stringify(e.s.shape) !== JSON.stringify(shape2)) {
        throw new ValueError(`saved training state ${n} must have shape ${JSON.stringify(shape2)} and dtype ${dtype}; received shape ${JSON.stringify(e.s.shape)} of ${e.s.dtype}`);
      }
      const n4 = 4 * shape2.reduce((x, y) => x * y, 1);
      return dtype === "int32" ? new Int32Array(data.slice(e.off, e.off + n4)) : new Float32Array(data.slice(e.off, e.off + n4));
    });
  }
  return model;
}
