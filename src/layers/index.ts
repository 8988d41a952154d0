// layers.dense, layers.activation, layers.dropout, layers.leakyReLU: TF.js's factory names.
import { Dense, type DenseArgs } from "./dense.js";
import { ActivationLayer, LeakyReLU } from "./activation.js";
import { Dropout } from "./dropout.js";
import type { ActivationName } from "../activations.js";
import type { CommonArgs } from "./layer.js";

export { Layer } from "./layer.js";
export { Dense, ActivationLayer, LeakyReLU, Dropout };

/**
 * The layer factories, by TF.js's names. Every factory refuses an option it does not act on (naming the
 * nearest valid one) with a ValueError.
 * @example
 * const model = sequential({ layers: [
 *   layers.dense({ units: 16, activation: "relu", inputShape: [4] }),
 *   layers.dropout({ rate: 0.2 }),
 *   layers.dense({ units: 3, activation: "softmax" }),
 * ] });
 */
export const layers = {
  /** A fully connected layer: `units` (required), `activation` ("linear"), `useBias` (true), kernel and bias initializers and regularizers, and on a first layer `inputShape: [features]` or `inputDim`. */
  dense: (args: DenseArgs) => new Dense(args),
  /** An activation as a layer: `{ activation }`. */
  activation: (args: { activation: ActivationName } & CommonArgs) => new ActivationLayer(args),
  /** Inverted dropout: `{ rate }` in [0, 1), and an optional `seed` for its masks. */
  dropout: (args: { rate: number; seed?: number } & CommonArgs) => new Dropout(args),
  /** Leaky ReLU as a layer: `{ alpha }` (0.3). */
  leakyReLU: (args?: { alpha?: number } & CommonArgs) => new LeakyReLU(args),
};
