// myelin's public API: TF.js layers names, no tensors to dispose. Each entry (index.ts for Node, Deno and
// Bun; browser.ts; workerd.ts) re-exports it and says how to reach the thread pool there.
export { sequential, Sequential, type CompileArgs } from "./model/sequential.js";
export type { FitArgs, History } from "./model/fit.js";
export type { Gradients } from "./model/gradients.js";
export { layers, Layer, Dense, ActivationLayer, LeakyReLU, Dropout } from "./layers/index.js";
export { optimizers, Optimizer, SGD, Adam, AdamW, RMSprop, Adagrad } from "./optim/index.js";
export { initializers, setSeed, type Initializer } from "./initializers.js";
export { regularizers, type Regularizer } from "./regularizers.js";
export { callbacks, EarlyStopping, type Callback, type Logs } from "./callbacks.js";
export { tensor2d, type Matrix, type InputLike, type LabelsLike } from "./data.js";
export { Prediction } from "./prediction.js";
export { init, activeBuild, threadCount, type InitOptions } from "./backend.js";
export { ValueError } from "./errors.js";
export { loadLayersModel, toBytes, type IOHandler, type SaveResult, type ModelArtifacts, type WeightSpec } from "./io/index.js";
