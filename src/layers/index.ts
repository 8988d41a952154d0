// layers.dense, layers.activation, layers.dropout, layers.leakyReLU: TF.js's factory names.
import { Dense, type DenseArgs } from "./dense.js";
import { ActivationLayer, LeakyReLU } from "./activation.js";
import { Dropout } from "./dropout.js";
import type { ActivationName } from "../activations.js";
import type { CommonArgs } from "./layer.js";

export { Layer } from "./layer.js";
export { Dense, ActivationLayer, LeakyReLU, Dropout };

export const layers = {
  dense: (args: DenseArgs) => new Dense(args),
  activation: (args: { activation: ActivationName } & CommonArgs) => new ActivationLayer(args),
  dropout: (args: { rate: number; seed?: number } & CommonArgs) => new Dropout(args),
  leakyReLU: (args?: { alpha?: number } & CommonArgs) => new LeakyReLU(args),
};
