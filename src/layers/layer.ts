// The layer contract (DESIGN.md, "registries"): a layer declares its Keras config (getConfig, and its
// constructor takes that config back, as Keras's from_config), its parameters (trainable or state), the
// buffers it needs per batch and its PRNG stream, and runs forward and backward on pointers the model
// plans. The model, fit and io go through this interface only; `registerLayer` maps a Keras className to
// the class, which is how a saved model finds it. Adding a layer: one file here, its kernels, one
// registerLayer line.
import type { Kernels } from "../kernels.js";
import type { Initializer } from "../initializers.js";
import type { Regularizer } from "../regularizers.js";
import type { Activation } from "../activations.js";
import { checkOptions, checkSize, invalid, ValueError } from "../errors.js";
import { MAX_ELEMENTS } from "../limits.js";

/** One weight tensor of a layer: its value (and gradient, while it is trained) live in the model's wasm memory. */
export interface Param {
  readonly name: string;
  readonly shape: number[];
  readonly size: number;
  readonly initializer: Initializer;
  readonly regularizer?: Regularizer;
  readonly fanIn: number;
  readonly fanOut: number;
  /** False for state that is never trained (moving statistics): no gradient, no optimizer slots. */
  readonly trainable: boolean;
  value: number; // pointer, set when the model allocates
  grad: number; // pointer while the parameter is trained (set by compile), else 0
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

/** Fills n floats at a pointer with a value, or copies n values there (how a layer sets its state buffers). */
export type Fill = (ptr: number, n: number, value: number | ArrayLike<number>) => void;

/** Arguments every layer takes (TF.js's names). */
export interface CommonArgs {
  /** The layer's name (default: the class's prefix and a counter, "dense_1"). */
  name?: string;
  /** On a first layer: the shape of one sample, e.g. [784] or [28, 28] (rows are read row-major). */
  inputShape?: number[];
  /** On a first layer, instead of inputShape: the number of features. */
  inputDim?: number;
  /** On a first layer, Keras's form of inputShape: [null, ...inputShape]. */
  batchInputShape?: (number | null)[];
  /** Whether training updates the layer's weights (true); set it (or `layer.trainable`) before compile. */
  trainable?: boolean;
  /** "float32", the only dtype (accepted because Keras and TF.js write it). */
  dtype?: "float32";
}

const COMMON = ["name", "inputShape", "inputDim", "batchInputShape", "trainable", "dtype"];

const counters = new Map<string, number>();

/** The number of elements of a shape (1 for []). */
export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The layer classes by Keras className: how a model file names the class to make (Keras's registerClass). */
export const LAYER_CLASSES = new Map<string, new (args: never) => Layer>();

/** Registers a layer class under its Keras/TF.js className, for loading and Sequential.fromConfig. */
export function registerLayer(className: string, cls: new (args: never) => Layer): void {
  LAYER_CLASSES.set(className, cls);
}

/**
 * The base of every layer (made by the `layers` factories, as in TF.js). A layer belongs to one model: its
 * weights live in that model's memory. Read `className`, `name`, `trainable`, `countParams()`; the rest
 * is the model's machinery.
 */
export abstract class Layer {
  /** The Keras/TF.js class name ("Dense", "Dropout", …), as saved in model.json. */
  abstract readonly className: string;
  /** The layer's name: the `name` argument, or the class's prefix and a counter ("dense_1"). */
  readonly name: string;
  /** @internal The shape of one sample, when given on this layer (inputShape, inputDim, batchInputShape). */
  readonly batchInputShape: number[] | undefined;
  /** @internal */
  inputShape: number[] = [];
  /** @internal */
  outputShape: number[] = [];
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
  /** @internal The layer's weights: trainable parameters, then state. */
  readonly params: Param[] = [];
  /** @internal True when the output is the input itself (Flatten): the model plans no buffer for it. */
  readonly passThrough: boolean = false;
  /** @internal Pointer to the layer's 16-byte PCG32 state, for a layer that draws random numbers (else 0). */
  rng = 0;
  private train: boolean;

  protected constructor(prefix: string, args: CommonArgs, keys: string[], factory = prefix) {
    checkOptions(`layers.${factory}(args)`, args, [...keys, ...COMMON]);
    if (args.name !== undefined && (typeof args.name !== "string" || args.name === "")) throw invalid(`${prefix}({ name })`, args.name, "a non-empty string");
    let name = args.name;
    if (name === undefined) {
      const n = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, n);
      name = `${prefix}_${n}`;
    }
    this.name = name;
    if (args.dtype !== undefined && args.dtype !== "float32") throw invalid(`${name} dtype`, args.dtype, '"float32"');
    const what = args.inputShape !== undefined ? "inputShape" : args.batchInputShape !== undefined ? "batchInputShape" : "inputDim";
    let shape = args.inputShape ?? (args.batchInputShape && args.batchInputShape.slice(1)) ?? (args.inputDim === undefined ? undefined : [args.inputDim]);
    if (args.batchInputShape !== undefined && (!Array.isArray(args.batchInputShape) || args.batchInputShape[0] != null)) shape = [];
    if (shape !== undefined) {
      if (!Array.isArray(shape) || shape.length === 0 || shape.length > 8) throw invalid(`${prefix}({ ${what} })`, (args as Record<string, unknown>)[what], "the shape of one sample: 1 to 8 sizes, e.g. [784] or [28, 28]");
      shape.forEach((d, i) => checkSize(`${prefix}({ ${what} })${what === "inputDim" ? "" : `[${i + (what === "batchInputShape" ? 1 : 0)}]`}`, d));
      if (sizeOf(shape as number[]) > MAX_ELEMENTS) throw invalid(`${prefix}({ ${what} })`, shape, "a sample of at most 2^28 values");
    }
    this.batchInputShape = shape as number[] | undefined;
    if (args.trainable !== undefined && typeof args.trainable !== "boolean") throw invalid(`${prefix}({ trainable })`, args.trainable, "true or false");
    this.train = args.trainable ?? true;
  }

  /**
   * Whether training updates this layer's weights (TF.js's and Keras's `trainable`). Set it before
   * compile: compile decides which weights get gradients and optimizer slots (fit refuses to run when it
   * changed since).
   */
  get trainable(): boolean {
    return this.train;
  }
  /** Freezes (false) or unfreezes (true) the layer's weights; anything but a boolean is a ValueError. */
  set trainable(v: boolean) {
    if (typeof v !== "boolean") throw invalid(`${this.name}.trainable`, v, "true or false");
    this.train = v;
  }

  /** @internal Creates the params for this input shape and returns the output shape. */
  build(inputShape: number[]): number[] {
    this.inputShape = inputShape;
    this.inputDim = sizeOf(inputShape);
    this.params.length = 0;
    this.outputShape = this.computeOutputShape(inputShape);
    this.outputDim = sizeOf(this.outputShape);
    this.built = true;
    return this.outputShape;
  }

  protected abstract computeOutputShape(inputShape: number[]): number[];

  /** @internal For layers that act on flat rows (Dense, the normalizations): the feature count, or a clear error. */
  protected flat(shape: number[]): number {
    if (shape.length !== 1) throw new ValueError(`layer ${this.name} (${this.className}) takes flat samples; its input has shape [${shape}]: put layers.flatten() before it`);
    return shape[0];
  }

  /** @internal Adds a weight tensor (the layer's name + "/" + name, as TF.js names them). */
  protected addParam(name: string, shape: number[], initializer: Initializer, regularizer: Regularizer | undefined, fanIn: number, fanOut: number, trainable = true): Param {
    const size = sizeOf(shape);
    if (size > MAX_ELEMENTS) throw new ValueError(`layer ${this.name}: a ${name} [${shape.join(", ")}] holds more than 2^28 weights (1 GiB)`);
    const p: Param = { name: `${this.name}/${name}`, shape, size, initializer, regularizer, fanIn, fanOut, trainable, value: 0, grad: 0, slots: [] };
    this.params.push(p);
    return p;
  }

  /** The layer's own Keras config (camelCase keys; the model adds name, trainable, the input shape and dtype). */
  abstract getConfig(): Record<string, unknown>;

  /** @internal The activation a loss may absorb when this is the last layer (softmax + CE, sigmoid + BCE). */
  get fusable(): Activation | undefined {
    return undefined;
  }

  /** @internal Bytes of GEMM workspace the layer's kernels need for batches of `rows`. */
  workBytes(_k: Kernels, _rows: number): number {
    return 0;
  }

  /** @internal Asks for per-batch buffers besides the output (rows = the planned batch capacity). */
  plan(_alloc: Alloc, _rows: number): void {}

  /** @internal Asks for buffers that persist across batch sizes (a PRNG state: set `rng`). */
  allocState(_alloc: Alloc): void {}

  /** @internal Sets the state buffers allocState asked for (once, when the model is built). */
  init(_fill: Fill): void {}

  /** @internal Throws when the layer cannot run yet (a Normalization never adapted), before anything runs. */
  checkReady(): void {}

  /** @internal The model wrote the layer's weights (setWeights, a loaded model). */
  weightsSet(): void {}

  /** @internal Seeds the layer's PRNG stream, if it has one (from `seed`, else its own or the global sequence). */
  reseed(_k: Kernels, _seed?: number): void {}

  /** @internal */
  abstract forward(s: Step): void;

  /**
   * @internal Given dLoss/dOutput at dy (rows x outputDim), accumulates the gradients of trained params
   * (those with a grad pointer) and writes dLoss/dInput to dx when dx is not 0. Returns where the input
   * gradient is (dx, or dy when computed in place).
   */
  abstract backward(s: Step, dy: number, dx: number): number;

  /** The number of weights the layer holds (trainable and not); 0 for layers without weights. */
  countParams(): number {
    return this.params.reduce((a, p) => a + p.size, 0);
  }
}
