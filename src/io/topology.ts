// Models -> Keras's JSON topology, as TF.js writes it in model.json: each layer's getConfig() with
// snake_case keys, then name, trainable, the first layer's batch_input_shape and dtype. Reading it back
// is src/io/reader.ts (loaded on first use), through the layer registry.
import type { Layer } from "../layers/layer.js";

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

/** One layer's Keras JSON (`inputShape`: the model's, written on the first layer). */
export function layerToJson(layer: Layer, inputShape?: number[]): LayerJson {
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(layer.getConfig())) config[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = v;
  config.name = layer.name;
  config.trainable = layer.trainable;
  if (inputShape) config.batch_input_shape = [null, ...inputShape];
  config.dtype = "float32";
  return { class_name: layer.className, config };
}

export function modelToTopology(name: string, layers: Layer[], inputShape: number[]): TopologyJson {
  return {
    class_name: "Sequential",
    config: { name, layers: layers.map((l, i) => layerToJson(l, i ? undefined : inputShape)) },
    keras_version: "tfjs-layers 4.22.0",
    backend: "tensor_flow.js",
  };
}
