// The layer contract. A layer is config + build(inputDim) + forward + backward (STYLE.md 7; its Keras
// config is written by src/io/topology.ts, the one place that knows the file format);
// the model plans its buffers and hands it pointers, so a layer's forward and backward read like the math.
import type { Kernels } from "../kernels.js";
import type { Initializer } from "../initializers.js";
import type { Regularizer } from "../regularizers.js";
import { checkOptions, checkSize, invalid } from "../errors.js";

/** One trainable tensor: its value and gradient live in the model's wasm memory. */
export interface Param {
  readonly name: string;
  readonly shape: number[];
  readonly size: number;
  readonly initializer: Initializer;
  readonly regularizer?: Regularizer;
  readonly fanIn: number;
  readonly fanOut: number;
  value: number; // pointer, set when the model allocates
  grad: number; // pointer
  slots: number[]; // optimizer state pointers
}

/** What a layer needs to run one batch. */
export interface Step {
  readonly k: Kernels;
  rows: number;
  work: number; // GEMM workspace pointer
  training: boolean;
}

/** Per-batch buffers a layer asks the model to plan beyond its output (dropout's mask, its PRNG state). */
export type Alloc = (floats: number) => number;

/** Arguments every layer takes (TF.js's names). */
export interface CommonArgs {
  /** The layer's name (default: the class's prefix and a counter, "dense_1"). */
  name?: string;
  /** On a first layer: [features] (dense models take flat vectors). */
  inputShape?: number[];
  /** On a first layer, instead of inputShape: the number of features. */
  inputDim?: number;
}

/** Throws unless every key of a layer's arguments is one it acts on (TF.js's trainable, weights, ... are not yet). */
export function checkLayerArgs(factory: string, args: object, keys: string[]): void {
  checkOptions(`layers.${factory}(args)`, args, [...keys, "name", "inputShape", "inputDim"]);
}

const counters = new Map<string, number>();
function autoName(prefix: string): string {
  const n = (counters.get(prefix) ?? 0) + 1;
  counters.set(prefix, n);
  return `${prefix}_${n}`;
}

/**
 * The base of every layer (made by the `layers` factories, as in TF.js). A layer belongs to one model: its
 * weights live in that model's memory. Read `className`, `name` and `countParams()`; the rest is the
 * model's machinery.
 */
export abstract class Layer {
  /** The Keras/TF.js class name ("Dense", "Dropout", "Activation", "LeakyReLU"), as saved in model.json. */
  abstract readonly className: string;
  /** The layer's name: the `name` argument, or the class's prefix and a counter ("dense_1"). */
  readonly name: string;
  /** @internal Set by an inputShape/inputDim argument on a first layer. */
  readonly batchInputDim: number | undefined;
  /** @internal */
  inputDim = 0;
  /** @internal */
  outputDim = 0;
  /** @internal */
  built = false;
  /** @internal Pointers to this layer's input and output (rows x dims), set by the model's plan. */
  input = 0;
  /** @internal */
  output = 0;
  /** @internal When the loss is fused with this last layer's activation, training runs the layer without it. */
  deferActivation = false;
  /** @internal The model this layer belongs to: its buffers live in that model's memory, so it cannot be shared. */
  owner: object | undefined;
  /** @internal */
  readonly params: Param[] = [];

  protected constructor(prefix: string, args: CommonArgs) {
    if (args.name !== undefined && (typeof args.name !== "string" || args.name === "")) throw invalid(`${prefix}({ name })`, args.name, "a non-empty string");
    this.name = args.name ?? autoName(prefix);
    let dim = args.inputDim;
    if (args.inputShape !== undefined) {
      if (!Array.isArray(args.inputShape) || args.inputShape.length !== 1) throw invalid(`${prefix}({ inputShape })`, args.inputShape, "[features] (dense models take flat vectors)");
      dim = args.inputShape[0];
    }
    if (dim !== undefined) checkSize(`${prefix}({ ${args.inputShape !== undefined ? "inputShape[0]" : "inputDim"} })`, dim);
    this.batchInputDim = dim;
  }

  /** @internal Creates the params for this input size and returns the output size. */
  build(inputDim: number): number {
    this.inputDim = inputDim;
    this.outputDim = this.computeOutputDim(inputDim);
    this.built = true;
    return this.outputDim;
  }

  protected abstract computeOutputDim(inputDim: number): number;

  /** @internal Asks for per-batch buffers besides the output (rows = the planned batch capacity). */
  plan(_alloc: Alloc, _rows: number): void {}

  /** @internal Asks for buffers that persist across batch sizes (a PRNG state). */
  allocState(_alloc: Alloc): void {}

  /** @internal */
  abstract forward(s: Step): void;

  /**
   * @internal Given dLoss/dOutput at dy (rows x outputDim), accumulates param gradients and writes dLoss/dInput to
   * dx when dx is not 0. Returns where the input gradient is (dx, or dy when computed in place).
   */
  abstract backward(s: Step, dy: number, dx: number): number;

  /** The number of weights (kernel and bias elements) the layer holds; 0 for layers without weights. */
  countParams(): number {
    return this.params.reduce((a, p) => a + p.size, 0);
  }
}
