// A model's state as named tensors and back: its weights (trainable and not), and with the training
// state the optimizer's step count and slots and the PRNG streams training continues (shuffling, each
// layer's). src/io/ turns these into files and back; this module is the only one that reads or writes
// them in the model's memory. Loaded with save/load (on first use).
import "../api.js"; // so that in the browser build the code this lazy module shares with the entry is one startup chunk
import type { Sequential } from "./sequential.js";
import { getOptimizer, optimizers, type Optimizer } from "../optim/index.js";
import { RMSprop } from "../optim/rules.js";
import { getLoss, LOSS_TABLE, losses, type Loss } from "../losses.js";
import { metrics, type Metric } from "../metrics.js";
import { ValueError, describe, invalid } from "../errors.js";

/** One tensor of a model's state. */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array | Int32Array;
  /** "optimizer" for training state (TF.js's weight group for it). */
  group?: "optimizer";
}

/** The compiled loss, metrics and optimizer, as TF.js's trainingConfig holds them. */
export interface TrainingConfig {
  loss: string | { class_name: string; config: Record<string, unknown> };
  metrics: (string | { class_name: string; config: Record<string, unknown> })[];
  optimizer_config: { class_name: string; config: Record<string, unknown> };
}

/** Slots that are sums of squares: negative values would make the update NaN. */
const NON_NEGATIVE_SLOTS = new Set(["v", "rms", "accumulator"]);

/** The model's weights, and with `training` its compiled training state, as named tensors (copies). */
export function stateTensors(model: Sequential, training: boolean): { tensors: NamedTensor[]; config?: TrainingConfig } {
  const runner = model.built();
  const tensors: NamedTensor[] = runner.params.map((p) => {
    const v = runner.readParam(p);
    // What save writes, load reads: a weight that is not finite (training diverged) is not written.
    const bad = v.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new ValueError(`save(): weight ${p.name} holds ${v[bad]} at index ${bad}: a model whose training diverged is not saved (History.nonFinite says when)`);
    return { name: p.name, shape: [...p.shape], data: v };
  });
  const c = model.compiled;
  if (!training || !c) return { tensors };
  const opt = c.optimizer;
  const group = "optimizer";
  tensors.push({ name: "iter", shape: [], data: Int32Array.of(opt.iterations), group });
  for (const p of runner.trained) {
    p.slots.forEach((ptr, s) => {
      const name = `${p.name}/${opt.slotNames[s]}`;
      const v = runner.arena.f32(ptr, p.size).slice();
      if (!v.every(Number.isFinite)) throw new ValueError(`save(): the optimizer's ${name} is not finite: training diverged; save without includeOptimizer, or train again`);
      tensors.push({ name, shape: [...p.shape], data: v, group });
    });
  }
  // The PRNG streams that training continues (shuffling, each dropout), so a resumed fit matches.
  tensors.push({ name: "myelin/rng/shuffle", shape: [4], data: runner.arena.i32(runner.shuffleState, 4).slice(), group });
  for (const l of model.layers) if (l.rng) tensors.push({ name: `myelin/rng/${l.name}`, shape: [4], data: runner.arena.i32(l.rng, 4).slice(), group });
  return {
    tensors,
    config: {
      loss: lossToJson(c.loss),
      metrics: c.metrics.map(metricToJson),
      optimizer_config: { class_name: opt.className, config: opt.getConfig() },
    },
  };
}

/** Reads a saved tensor: its data if it is there (checked to have this shape and dtype), else undefined. */
export type TensorSource = (name: string, shape: readonly number[], dtype: "float32" | "int32") => Float32Array | Int32Array | undefined;

/**
 * Compiles a freshly loaded model with its saved training config and restores the saved training state;
 * every piece is untrusted and checked (size, type, range) before it is written.
 */
export function restoreTraining(model: Sequential, tc: TrainingConfig, read: TensorSource): void {
  const opt = optimizerFromConfig(tc.optimizer_config);
  model.compile({ optimizer: opt, loss: lossFromJson(tc.loss), metrics: Array.isArray(tc.metrics) ? tc.metrics.map(metricFromJson) : tc.metrics });
  const runner = model.built();
  const iter = read("iter", [], "int32");
  if (iter) {
    if (iter[0] < 0) throw new ValueError(`saved training state iter must be a non-negative step count; received ${iter[0]}`);
    opt.iterations = iter[0];
  }
  for (const p of runner.trained) {
    p.slots.forEach((ptr, s) => {
      const slot = opt.slotNames[s];
      const v = read(`${p.name}/${slot}`, p.shape, "float32");
      if (!v) return;
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
    const st = read(n, [4], "int32");
    if (!st) return;
    // PCG32's increment (the high 8 bytes) is odd in every state it makes.
    if ((st[2] & 1) === 0) throw new ValueError(`saved training state ${n} is not a PCG32 state (its increment must be odd)`);
    runner.arena.i32(dst, 4).set(st);
  };
  rngState("myelin/rng/shuffle", runner.shuffleState);
  for (const l of model.layers) if (l.rng) rngState(`myelin/rng/${l.name}`, l.rng);
}

/** An optimizer from its saved { class_name, config } (Keras's snake_case or TF.js's camelCase keys). */
function optimizerFromConfig(oc: { class_name: string; config: Record<string, unknown> }): Optimizer {
  if (!oc || typeof oc !== "object") throw new ValueError(`trainingConfig.optimizer_config must be { class_name, config }; received ${describe(oc)}`);
  const c = (oc.config && typeof oc.config === "object" ? oc.config : {}) as Record<string, unknown>;
  const make = (optimizers as Record<string, (a: object) => Optimizer>)[String(oc.class_name).toLowerCase()];
  if (!make) return getOptimizer(oc.class_name); // a ValueError naming the optimizers there are
  // The keys the optimizer takes, from the config of one made with its defaults (getConfig is its from_config's inverse).
  const keys = Object.keys(make({}).getConfig());
  const args: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) {
    const key = k === "lr" ? "learningRate" : k.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase());
    if (v !== null && v !== undefined && (keys.includes(key) || ["clipnorm", "globalClipnorm", "clipvalue", "convention", "weightDecay"].includes(key))) args[key] = v;
  }
  return make(args);
}

/**
 * The loss as a saved training config names it: its TF.js name, or Keras's { class_name, config } when
 * an option differs from its default; and back.
 */
export function lossToJson(l: Loss): string | { class_name: string; config: Record<string, unknown> } {
  if (!l.fromLogits && !l.labelSmoothing && l.delta === 1) return l.name;
  const cls = LOSS_TABLE.find((t) => t[0] === l.kind)![2];
  return { class_name: cls, config: l.kind === "huber" ? { delta: l.delta } : { from_logits: l.fromLogits, ...(l.kind === "scce" ? {} : { label_smoothing: l.labelSmoothing }) } };
}

export function lossFromJson(v: unknown): Loss {
  if (!v || typeof v !== "object") return getLoss(v);
  const { class_name: cls, config } = v as { class_name?: unknown; config?: Record<string, unknown> };
  const row = LOSS_TABLE.find((t) => t[2] === cls);
  if (!row) throw invalid("trainingConfig.loss.class_name", cls, `one of ${LOSS_TABLE.map((t) => t[2]).join(", ")}`);
  const c = config && typeof config === "object" ? config : {};
  const f = (losses as Record<string, ((a: object) => Loss) | undefined>)[row[1]];
  const args: Record<string, unknown> = {};
  if (c.from_logits !== undefined) args.fromLogits = c.from_logits;
  if (c.label_smoothing !== undefined && c.label_smoothing !== 0) args.labelSmoothing = c.label_smoothing;
  if (c.delta !== undefined) args.delta = c.delta;
  if (!f && Object.keys(args).length) throw new ValueError(`trainingConfig.loss ${describe(cls)} takes no options; received ${describe(args)}`);
  return f ? f(args) : getLoss(row[1]);
}


// Metrics as TF.js saves them (names; "accuracy" for acc), or Keras's { class_name, config } when an option
// differs from its default; and back.
const METRIC_CLASSES: Record<string, [string, string]> = { topK: ["TopKCategoricalAccuracy", "k"], auc: ["AUC", "num_thresholds"], precision: ["Precision", "thresholds"], recall: ["Recall", "thresholds"], binaryAccuracy: ["BinaryAccuracy", "threshold"] };

function metricToJson(m: Metric): string | { class_name: string; config: Record<string, unknown> } {
  const c = METRIC_CLASSES[m.kind];
  const v = m.kind === "topK" ? m.k : m.kind === "auc" ? m.numThresholds : m.threshold;
  if (!c || v === (m.kind === "topK" ? 5 : m.kind === "auc" ? 200 : 0.5)) return m.kind === "acc" ? "accuracy" : m.name;
  return { class_name: c[0], config: { [c[1]]: v } };
}

function metricFromJson(v: unknown): string | Metric {
  if (!v || typeof v !== "object") return v as string; // a name: compile checks it
  const { class_name: cls, config } = v as { class_name?: unknown; config?: Record<string, unknown> };
  const e = Object.entries(METRIC_CLASSES).find(([, [name]]) => name === cls);
  if (!e) throw invalid("trainingConfig.metrics[].class_name", cls, `one of ${Object.values(METRIC_CLASSES).map(([n]) => n).join(", ")}`);
  const [kind, [, key]] = e;
  const value = config && typeof config === "object" ? config[key] : undefined;
  const make = { topK: metrics.topKCategoricalAccuracy, auc: metrics.auc, precision: metrics.precision, recall: metrics.recall, binaryAccuracy: metrics.binaryAccuracy }[kind]!;
  return make(value === undefined ? {} : ({ [kind === "topK" ? "k" : kind === "auc" ? "numThresholds" : "threshold"]: value } as never));
}
