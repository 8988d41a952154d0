// myelin's public API: TF.js layers names, no tensors to dispose. Each entry (index.ts for Node, Deno and
// Bun; browser.ts; workerd.ts) re-exports it and says how to reach the thread pool there.
export { sequential, Sequential, type CompileArgs } from "./model/sequential.js";
export type { FitArgs, History } from "./model/fit.js";
export type { Gradients } from "./model/gradients.js";
export type { Batch, BatchIterator, DatasetLike, FitDatasetArgs } from "./model/dataset.js";
export type { DenseArgs } from "./layers/dense.js";
export type { CommonArgs } from "./layers/layer.js";
export type { Activation, ActivationName } from "./activations.js";
export type { OptimizerName } from "./optim/index.js";
export type { AdamArgs } from "./optim/rules.js";
export type { ClipArgs } from "./optim/optimizer.js";
export type { Convention } from "./optim/coefficients.js";
export type { SeedArg, InitializerLike, InitializerName } from "./initializers.js";
export type { RegularizerLike } from "./regularizers.js";
export type { EarlyStoppingArgs, ModelLike, TerminateOnNaN, LearningRateScheduler, ReduceLROnPlateau, ReduceLROnPlateauArgs, LambdaArgs, ModelCheckpoint, ModelCheckpointArgs, CSVLogger, CSVLoggerArgs } from "./callbacks.js";
export type { Build } from "./engine.js";
export type { TopologyJson, LayerJson } from "./io/topology.js";
export { layers, Layer, Dense, ActivationLayer, LeakyReLU, Dropout, Flatten, BatchNormalization, LayerNormalization, Normalization } from "./layers/index.js";
export type { NormalizationArgs } from "./layers/normalization.js";
export type { BatchNormalizationArgs } from "./layers/batchnorm.js";
export type { LayerNormalizationArgs } from "./layers/layernorm.js";
export type { AffineArgs } from "./layers/affine.js";
export { optimizers, Optimizer, SGD, Adam, AdamW, RMSprop, Adagrad } from "./optim/index.js";
/** TF.js's name for the optimizer factories: `tf.train.adam(0.001)` ports unchanged (`optimizers.adam(0.001)`). */
export { optimizers as train } from "./optim/index.js";
export { initializers, setSeed, type Initializer } from "./initializers.js";
export { regularizers, type Regularizer } from "./regularizers.js";
export { callbacks, EarlyStopping, type Callback, type Logs } from "./callbacks.js";
export { tensor2d, type Matrix, type InputLike, type LabelsLike, type Weight } from "./data.js";
export { Prediction } from "./prediction.js";
export { init, activeBuild, threadCount, type InitOptions } from "./backend.js";
export { ValueError } from "./errors.js";
export { losses, type Loss, type LossName, type CrossentropyArgs } from "./losses.js";
export { metrics, type Metric } from "./metrics.js";
export { loadLayersModel, toBytes, type IOHandler, type SaveResult, type ModelArtifacts, type WeightSpec } from "./io/index.js";
