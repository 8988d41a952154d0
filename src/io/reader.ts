// Keras's JSON topology -> layers, as TF.js writes it in model.json (snake_case keys; class names Dense,
// Activation, Dropout, LeakyReLU) and as tfjs-converter writes it from Keras (also: `model_config`
// wrapper, `config` as the bare array of layers, an InputLayer first, VarianceScaling initializers).
// Loaded on first use (loading a model, Sequential.fromConfig): an app that never reads one does not carry it.
import "../api.js"; // so that in the browser build the code this lazy module shares with the entry is one startup chunk
import type { Layer } from "../layers/layer.js";
import { Dense } from "../layers/dense.js";
import { ActivationLayer, LeakyReLU } from "../layers/activation.js";
import { Dropout } from "../layers/dropout.js";
import { initializers, placeholderInitializer, type Initializer } from "../initializers.js";
import { regularizers, type Regularizer } from "../regularizers.js";
import type { ActivationName } from "../activations.js";
import { ValueError, describe } from "../errors.js";

const SUPPORTED_LAYERS = ["Dense", "Activation", "Dropout", "LeakyReLU", "InputLayer"];
// Keras/TF.js activation names -> ours; "leaky_relu" and "step" are written by myelin only.
const ACTIVATIONS: Record<string, ActivationName> = {
  linear: "linear", relu: "relu", sigmoid: "sigmoid", tanh: "tanh", softmax: "softmax",
  leaky_relu: "leakyRelu", leakyRelu: "leakyRelu", step: "step",
};

const get = (c: Record<string, unknown>, snake: string, camel: string) => (c[snake] !== undefined ? c[snake] : c[camel]);

function activationOf(where: string, v: unknown): ActivationName {
  if (v === undefined || v === null) return "linear";
  if (typeof v === "string" && ACTIVATIONS[v]) return ACTIVATIONS[v];
  throw new ValueError(`${where}: activation ${describe(v)} is not supported; supported: ${Object.keys(ACTIVATIONS).join(", ")}`);
}

function initializerOf(v: unknown): Initializer | undefined {
  if (!v || typeof v !== "object") return undefined;
  const { class_name: cls, config: c0 } = v as { class_name?: string; config?: unknown };
  const config = (c0 && typeof c0 === "object" ? c0 : {}) as Record<string, unknown>; // null or missing: defaults
  const seed = typeof config.seed === "number" ? config.seed : undefined;
  switch (cls) {
    case "GlorotUniform": return initializers.glorotUniform({ seed });
    case "GlorotNormal": return initializers.glorotNormal({ seed });
    case "HeNormal": return initializers.heNormal({ seed });
    case "HeUniform": return initializers.heUniform({ seed });
    case "LecunNormal": return initializers.lecunNormal({ seed });
    case "LecunUniform": return initializers.lecunUniform({ seed });
    case "VarianceScaling":
      return initializers.varianceScaling({ scale: config.scale as number, mode: config.mode as string, distribution: config.distribution as string, seed });
    case "RandomNormal": return initializers.randomNormal({ mean: config.mean as number, stddev: config.stddev as number, seed });
    case "RandomUniform": return initializers.randomUniform({ minval: config.minval as number, maxval: config.maxval as number, seed });
    case "Zeros": return initializers.zeros();
    case "Ones": return initializers.ones();
    case "Constant": return initializers.constant({ value: config.value as number });
    default:
      // Weights are loaded right after; keep an unknown initializer's config so that it round-trips.
      return placeholderInitializer(String(cls), { ...config });
  }
}

function regularizerOf(v: unknown): Regularizer | undefined {
  if (!v || typeof v !== "object") return undefined;
  const { class_name: cls, config: c0 } = v as { class_name?: string; config?: unknown };
  const config = (c0 && typeof c0 === "object" ? c0 : {}) as Record<string, number>;
  if (cls !== "L1L2" && cls !== "L1" && cls !== "L2") throw new ValueError(`regularizer ${describe(cls)} is not supported; supported: L1L2, L1, L2`);
  return regularizers.l1l2({ l1: config.l1 ?? 0, l2: config.l2 ?? 0 });
}

/** Layers from a topology in any of the forms TF.js and tfjs-converter write. */
export function layersFromTopology(topology: unknown): { name: string; layers: Layer[] } {
  if (!topology || typeof topology !== "object") throw new ValueError(`modelTopology must be an object (Keras's JSON); received ${describe(topology)}`);
  let t = topology as Record<string, unknown>;
  if (t.model_config && typeof t.model_config === "object") t = t.model_config as Record<string, unknown>;
  const cls = t.class_name ?? t.className;
  if (cls !== "Sequential") throw new ValueError(`modelTopology.class_name ${describe(cls)} is not supported; supported: Sequential (of Dense, Activation, Dropout, LeakyReLU)`);
  const cfg = t.config as unknown;
  const list = Array.isArray(cfg) ? cfg : (cfg as { layers?: unknown })?.layers;
  if (!Array.isArray(list) || list.length === 0) throw new ValueError(`modelTopology.config must hold a non-empty list of layers; received ${describe(cfg)}`);
  const name = (!Array.isArray(cfg) && typeof (cfg as { name?: unknown }).name === "string" ? (cfg as { name: string }).name : undefined) ?? "sequential";
  const layers: Layer[] = [];
  let pendingInput: number | undefined;
  list.forEach((entry, i) => {
    const where = `modelTopology layer ${i}`;
    if (!entry || typeof entry !== "object") throw new ValueError(`${where} must be { class_name, config }; received ${describe(entry)}`);
    const { class_name: lc, config: c0 } = entry as { class_name?: unknown; config?: unknown };
    const c = (c0 && typeof c0 === "object" ? c0 : {}) as Record<string, unknown>;
    const shape = (get(c, "batch_input_shape", "batchInputShape") ?? get(c, "batch_shape", "batchShape")) as unknown[] | undefined;
    let inputDim: number | undefined = pendingInput;
    if (Array.isArray(shape)) {
      if (shape.length !== 2 || typeof shape[1] !== "number" || !Number.isInteger(shape[1]) || shape[1] <= 0 || shape[1] > 1 << 24) {
        throw new ValueError(`${where}: batch_input_shape must be [null, features] with 0 < features <= 2^24; received ${JSON.stringify(shape)}`);
      }
      inputDim = shape[1] as number;
    }
    const args = { name: typeof c.name === "string" ? c.name : undefined, ...(layers.length === 0 && inputDim ? { inputDim } : {}) };
    switch (lc) {
      case "InputLayer":
        pendingInput = inputDim;
        return;
      case "Dense": {
        const units = c.units;
        if (!Number.isInteger(units) || (units as number) <= 0 || (units as number) > 1 << 24) throw new ValueError(`${where} (Dense): units must be an integer in [1, 2^24]; received ${describe(units)}`);
        layers.push(new Dense({
          ...args,
          units: units as number,
          activation: activationOf(where, c.activation),
          useBias: (get(c, "use_bias", "useBias") ?? true) as boolean,
          kernelInitializer: initializerOf(get(c, "kernel_initializer", "kernelInitializer")) ?? "glorotUniform",
          biasInitializer: initializerOf(get(c, "bias_initializer", "biasInitializer")) ?? "zeros",
          kernelRegularizer: regularizerOf(get(c, "kernel_regularizer", "kernelRegularizer")),
          biasRegularizer: regularizerOf(get(c, "bias_regularizer", "biasRegularizer")),
        }));
        break;
      }
      case "Activation":
        layers.push(new ActivationLayer({ ...args, activation: activationOf(where, c.activation) }));
        break;
      case "Dropout":
        layers.push(new Dropout({ ...args, rate: c.rate as number, seed: typeof c.seed === "number" ? c.seed : undefined }));
        break;
      case "LeakyReLU":
        layers.push(new LeakyReLU({ ...args, alpha: (c.alpha ?? c.negative_slope ?? 0.3) as number }));
        break;
      default:
        throw new ValueError(`${where}: layer class ${describe(lc)} is not supported; supported: ${SUPPORTED_LAYERS.join(", ")}`);
    }
    pendingInput = undefined;
  });
  return { name, layers };
}
