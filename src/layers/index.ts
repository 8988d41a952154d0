// The layer factories, by TF.js's names (layers.dense, layers.batchNormalization, …).
import { Dense, type DenseArgs } from "./dense.js";
import { ActivationLayer, LeakyReLU } from "./activation.js";
import { Dropout } from "./dropout.js";
import { Flatten } from "./flatten.js";
import { BatchNormalization, type BatchNormalizationArgs } from "./batchnorm.js";
import { LayerNormalization, type LayerNormalizationArgs } from "./layernorm.js";
import { Normalization, type NormalizationArgs } from "./normalization.js";
import type { ActivationName } from "../activations.js";
import type { CommonArgs } from "./layer.js";

export { Layer } from "./layer.js";
export { Dense, ActivationLayer, LeakyReLU, Dropout, Flatten, BatchNormalization, LayerNormalization, Normalization };

/**
 * The layer factories, by TF.js's names. Every factory refuses an option it does not act on (naming the
 * nearest valid one) with a ValueError. Every layer also takes `name`, `trainable`, and on a first layer
 * `inputShape` (or `inputDim`, `batchInputShape`).
 * @example
 * const model = sequential({ layers: [
 *   layers.flatten({ inputShape: [28, 28] }),
 *   layers.dense({ units: 16, activation: "relu" }),
 *   layers.dropout({ rate: 0.2 }),
 *   layers.dense({ units: 10, activation: "softmax" }),
 * ] });
 */
export const layers = {
  /** A fully connected layer: `units` (required), `activation` ("linear"), `useBias` (true), kernel and bias initializers and regularizers. */
  dense: (args: DenseArgs) => new Dense(args),
  /** An activation as a layer: `{ activation }`. */
  activation: (args: { activation: ActivationName } & CommonArgs) => new ActivationLayer(args),
  /** Inverted dropout: `{ rate }` in [0, 1), and an optional `seed` for its masks. */
  dropout: (args: { rate: number; seed?: number } & CommonArgs) => new Dropout(args),
  /** Leaky ReLU as a layer: `{ alpha }` (0.3). */
  leakyReLU: (args?: { alpha?: number } & CommonArgs) => new LeakyReLU(args),
  /** Flattens each sample row-major ([28, 28] to [784]), as TF.js: put it before a dense layer. */
  flatten: (args?: CommonArgs) => new Flatten(args),
  /** Batch normalization of each feature: `momentum` (0.99), `epsilon` (0.001), `center`, `scale`, and the four initializers (Keras's). */
  batchNormalization: (args?: BatchNormalizationArgs) => new BatchNormalization(args),
  /** Layer normalization of each sample over its features: `epsilon` (0.001), `center`, `scale`, `betaInitializer`, `gammaInitializer`. */
  layerNormalization: (args?: LayerNormalizationArgs) => new LayerNormalization(args),
  /** Keras's Normalization: (x - mean) / sqrt(variance) per feature, from `mean` and `variance` or `await layer.adapt(x)`. */
  normalization: (args?: NormalizationArgs) => new Normalization(args),
};
