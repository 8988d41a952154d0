// Models -> Keras's JSON topology, as TF.js writes it in model.json (snake_case keys; class names Dense,
// Activation, Dropout, LeakyReLU). Reading it back is src/io/reader.ts (loaded on first use).
import { Layer } from "../layers/layer.js";
import { Dense } from "../layers/dense.js";
import { ActivationLayer, LeakyReLU } from "../layers/activation.js";
import { Dropout } from "../layers/dropout.js";
import type { Initializer } from "../initializers.js";
import type { Regularizer } from "../regularizers.js";
import type { ActivationName } from "../activations.js";
import { ValueError } from "../errors.js";

/** One layer (or initializer, regularizer) in Keras's JSON: its class and config. */
export interface LayerJson {
  /** "Dense", "Dropout", …. */
  class_name: string;
  /** Its config (snake_case keys, as Keras). */
  config: Record<string, unknown>;
}
/** Keras's JSON of a Sequential model, as model.json holds it under modelTopology. */
export interface TopologyJson {
  /** "Sequential". */
  class_name: string;
  /** The model's config, as Keras's get_config. */
  config: {
    /** The model's name. */
    name: string;
    /** Each layer's { class_name, config }. */
    layers: LayerJson[];
  };
  /** The writer's version ("tfjs-layers 4.22.0" for myelin's, as TF.js writes). */
  keras_version?: string;
  /** The writer's backend. */
  backend?: string;
  [k: string]: unknown;
}

const ACT_OUT: Record<ActivationName, string> = { linear: "linear", relu: "relu", sigmoid: "sigmoid", tanh: "tanh", softmax: "softmax", leakyRelu: "leaky_relu", step: "step" };

function initJson(i: Initializer): LayerJson {
  return { class_name: i.className, config: { ...i.config } };
}

function regJson(r: Regularizer | undefined): LayerJson | null {
  return r ? { class_name: "L1L2", config: { l1: r.l1, l2: r.l2 } } : null;
}

/** One layer's Keras JSON. */
export function layerToJson(layer: Layer, first: boolean): LayerJson {
  const base: Record<string, unknown> = { name: layer.name, trainable: true };
  if (first) base.batch_input_shape = [null, layer.inputDim || layer.batchInputDim];
  if (layer instanceof Dense) {
    const [k, b] = layer.params;
    return {
      class_name: "Dense",
      config: {
        units: layer.units,
        activation: ACT_OUT[layer.activation.name],
        use_bias: layer.useBias,
        kernel_initializer: initJson(k.initializer),
        bias_initializer: b ? initJson(b.initializer) : { class_name: "Zeros", config: {} },
        kernel_regularizer: regJson(k.regularizer),
        bias_regularizer: regJson(b?.regularizer),
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
        ...base,
        dtype: "float32",
      },
    };
  }
  if (layer instanceof LeakyReLU) return { class_name: "LeakyReLU", config: { alpha: layer.alpha, ...base } };
  if (layer instanceof ActivationLayer) return { class_name: "Activation", config: { activation: ACT_OUT[layer.activation.name], ...base } };
  if (layer instanceof Dropout) return { class_name: "Dropout", config: { rate: layer.rate, noise_shape: null, seed: layer.seed ?? null, ...base } };
  throw new ValueError(`cannot serialize layer ${layer.name} of class ${layer.className}`);
}

export function modelToTopology(name: string, layers: Layer[]): TopologyJson {
  return {
    class_name: "Sequential",
    config: { name, layers: layers.map((l, i) => layerToJson(l, i === 0)) },
    keras_version: "tfjs-layers 4.22.0",
    backend: "tensor_flow.js",
  };
}
