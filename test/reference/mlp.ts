// A float64 multilayer perceptron of any of the reference's layers (dense, BatchNormalization,
// LayerNormalization): forward, loss, backward by the chain rule, and the optimizer updates in Keras's
// formulas. The oracle for whole training steps of the API.
import { act, actGrad, softmaxRows, softmaxRowsGrad, type Act } from "./dense.js";
import { bce, cce, mse, oneHot } from "./losses.js";
import { batchNormBackward, batchNormForward, layerNorm } from "./normalization.js";
import { randomArray, rng } from "../helpers/check.js";

/** A dense layer (kind omitted or "dense"): y = act(x · w + b). */
export interface RefDense { kind?: "dense"; w: Float64Array; b: Float64Array; inDim: number; units: number; act: Act; alpha: number }
/** BatchNormalization, Keras's: batch statistics in training (the moving averages move in step()), moving ones in inference. */
export interface RefBatchNorm { kind: "batchnorm"; gamma: Float64Array; beta: Float64Array; movingMean: Float64Array; movingVar: Float64Array; momentum: number; eps: number; units: number }
/** LayerNormalization: each row over its features. */
export interface RefLayerNorm { kind: "layernorm"; gamma: Float64Array; beta: Float64Array; eps: number; units: number }
/** A layer of the float64 reference: a new layer kind is a new member here, its forward and its backward. */
export type RefLayer = RefDense | RefBatchNorm | RefLayerNorm;
export type RefLoss = "mse" | "bce" | "cce" | "scce";
export interface RefOpt { kind: "sgd" | "momentum" | "nesterov" | "adam" | "adamw" | "rmsprop" | "rmspropCentered" | "adagrad"; lr: number }

/** A layer's trainable tensors, in getWeights() order. */
function trainable(l: RefLayer): Float64Array[] {
  return l.kind === "batchnorm" || l.kind === "layernorm" ? [l.gamma, l.beta] : [l.w, l.b];
}

function layerForward(l: RefLayer, x: Float64Array, rows: number, training: boolean): Float64Array {
  if (l.kind === "layernorm") return Float64Array.from(layerNorm(x, new Float64Array(x.length), rows, l.units, l.gamma, l.beta, l.eps).y);
  if (l.kind === "batchnorm") {
    if (training) return batchNormForward(x, rows, l.units, l.gamma, l.beta, l.eps).y;
    return x.map((v, i) => ((v - l.movingMean[i % l.units]) / Math.sqrt(l.movingVar[i % l.units] + l.eps)) * l.gamma[i % l.units] + l.beta[i % l.units]);
  }
  const z = new Float64Array(rows * l.units);
  for (let i = 0; i < rows; i++) for (let j = 0; j < l.units; j++) {
    let s = l.b[j];
    for (let p = 0; p < l.inDim; p++) s += x[i * l.inDim + p] * l.w[p * l.units + j];
    z[i * l.units + j] = s;
  }
  return l.act === "softmax" ? softmaxRows(z, rows, l.units) : z.map((v) => act(l.act, v, l.alpha));
}

/** dLoss/dInput and the layer's gradients (its trainable tensors' order), from dLoss/dOutput. */
function layerBackward(l: RefLayer, inp: Float64Array, out: Float64Array, dy: Float64Array, rows: number): { dx: Float64Array; grads: Float64Array[] } {
  if (l.kind === "layernorm") {
    const r = layerNorm(inp, dy, rows, l.units, l.gamma, l.beta, l.eps);
    return { dx: r.dx, grads: [r.dgamma, r.dbeta] };
  }
  if (l.kind === "batchnorm") {
    const r = batchNormBackward(inp, dy, rows, l.units, l.gamma, l.eps);
    return { dx: r.dx, grads: [r.dgamma, r.dbeta] };
  }
  const dz = l.act === "softmax" ? softmaxRowsGrad(out, dy, rows, l.units) : dy.map((d, i) => actGrad(l.act, out[i], d, l.alpha));
  const dw = new Float64Array(l.inDim * l.units), db = new Float64Array(l.units), dx = new Float64Array(rows * l.inDim);
  for (let i = 0; i < rows; i++) for (let j = 0; j < l.units; j++) {
    const g = dz[i * l.units + j];
    db[j] += g;
    for (let q = 0; q < l.inDim; q++) { dw[q * l.units + j] += inp[i * l.inDim + q] * g; dx[i * l.inDim + q] += g * l.w[q * l.units + j]; }
  }
  return { dx, grads: [dw, db] };
}

function forward(layers: RefLayer[], x: Float64Array, rows: number, training = false): Float64Array[] {
  const outs = [x];
  for (const l of layers) outs.push(layerForward(l, outs.at(-1)!, rows, training));
  return outs;
}

export class RefModel {
  private slots: Float64Array[][] = [];
  private t = 0;
  constructor(readonly layers: RefLayer[], readonly loss: RefLoss, readonly opt: RefOpt) {
    const init = opt.kind === "adagrad" ? 0.1 : 0;
    this.slots = this.params().map((p) => [0, 1, 2].map(() => new Float64Array(p.length).fill(init)));
  }
  params(): Float64Array[] {
    return this.layers.flatMap(trainable);
  }
  predict(x: Float64Array, rows: number): Float64Array {
    return forward(this.layers, x, rows).at(-1)!;
  }
  /** One step on (x, y); y is one-hot/dense or, for scce, class ids. Returns the loss before the step. */
  step(x: Float64Array, y: Float64Array, rows: number): number {
    const { loss, grads } = this.gradients(x, y, rows);
    // BatchNormalization's moving averages move toward this batch's statistics (Keras's formula).
    const outs = forward(this.layers, x, rows, true);
    this.layers.forEach((l, i) => {
      if (l.kind !== "batchnorm") return;
      const { mean, variance } = batchNormForward(outs[i], rows, l.units, l.gamma, l.beta, l.eps);
      for (let j = 0; j < l.units; j++) {
        l.movingMean[j] = l.movingMean[j] * l.momentum + mean[j] * (1 - l.momentum);
        l.movingVar[j] = l.movingVar[j] * l.momentum + variance[j] * (1 - l.momentum);
      }
    });
    this.update(grads);
    return loss;
  }
  /** The loss on (x, y) and its gradient for every parameter (kernel, bias per layer), by the chain rule. */
  gradients(x: Float64Array, y: Float64Array, rows: number): { loss: number; grads: Float64Array[] } {
    const outs = forward(this.layers, x, rows, true);
    const p = outs.at(-1)!, units = this.layers.at(-1)!.units;
    const yy = this.loss === "scce" ? oneHot(y, units) : y;
    const r = this.loss === "mse" ? mse(p, yy) : this.loss === "bce" ? bce(p, yy) : cce(p, yy, rows, units);
    let dy = r.grad;
    const grads: Float64Array[] = [];
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const b = layerBackward(this.layers[l], outs[l], outs[l + 1], dy, rows);
      grads.unshift(...b.grads);
      dy = b.dx;
    }
    return { loss: r.loss, grads };
  }
  private update(grads: Float64Array[]): void {
    const t = ++this.t, { lr, kind } = this.opt;
    this.params().forEach((w, k) => {
      const g = grads[k], [s0, s1, s2] = this.slots[k];
      for (let i = 0; i < w.length; i++) {
        switch (kind) {
          case "sgd": w[i] -= lr * g[i]; break;
          case "momentum": s0[i] = 0.9 * s0[i] + g[i]; w[i] -= lr * s0[i]; break;
          case "nesterov": s0[i] = 0.9 * s0[i] + g[i]; w[i] -= lr * (g[i] + 0.9 * s0[i]); break;
          case "adam": case "adamw": {
            s0[i] = 0.9 * s0[i] + 0.1 * g[i];
            s1[i] = 0.999 * s1[i] + 0.001 * g[i] * g[i];
            const lrT = (lr * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
            w[i] = w[i] * (kind === "adamw" ? 1 - lr * 0.004 : 1) - (lrT * s0[i]) / (Math.sqrt(s1[i]) + 1e-7);
            break;
          }
          case "rmsprop": s0[i] = 0.9 * s0[i] + 0.1 * g[i] * g[i]; w[i] -= (lr * g[i]) / Math.sqrt(s0[i] + 1e-7); break;
          case "rmspropCentered": {
            s0[i] = 0.9 * s0[i] + 0.1 * g[i] * g[i];
            s1[i] = 0.9 * s1[i] + 0.1 * g[i];
            s2[i] = 0.5 * s2[i] + (lr * g[i]) / Math.sqrt(s0[i] - s1[i] * s1[i] + 1e-7);
            w[i] -= s2[i];
            break;
          }
          case "adagrad": s0[i] += g[i] * g[i]; w[i] -= (lr * g[i]) / Math.sqrt(s0[i] + 1e-7); break;
        }
      }
    });
  }
}

/**
 * A batch for a loss: inputs in [-1, 1), and targets of the loss's kind (regression values for mse, 0/1
 * for bce, one-hot rows for cce, class ids for scce), drawn from `seed`.
 */
export function batchFor(loss: RefLoss, rows: number, inputs: number, units: number, seed: number): { x: Float32Array; ids: number[]; y: number[] } {
  const r = rng(seed);
  const x = randomArray(rows * inputs, seed, -1, 1);
  const ids = Array.from({ length: rows }, () => Math.floor(r() * units));
  const y = loss === "mse" ? Array.from(randomArray(rows * units, seed + 1, -1, 1))
    : loss === "bce" ? Array.from({ length: rows * units }, () => (r() < 0.5 ? 0 : 1))
    : loss === "cce" ? ids.flatMap((c) => Array.from({ length: units }, (_, j) => (j === c ? 1 : 0))) : ids;
  return { x, ids, y };
}
