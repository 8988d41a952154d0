// model.computeGradients: the gradients one training step would apply, without applying them — the
// lecture's backpropagation made visible (TF.js has optimizer.computeGradients, Keras a GradientTape).
// Loaded on first use: an app that only trains does not carry it.
import "../api.js"; // so that in the browser build the code this lazy module shares with the entry is one startup chunk
import { toLabels, toMatrix, type InputLike, type LabelsLike, type Weight } from "../data.js";
import { ValueError } from "../errors.js";
import { Totals } from "./runner.js";
import type { Sequential } from "./sequential.js";

/** What model.computeGradients resolves to. */
export interface Gradients {
  /** The loss of the batch (with the regularization penalties, as fit reports it). */
  loss: number;
  /** dLoss/dWeight for every trained weight (all of them unless layers are frozen or hold state), in getWeights() order and shapes; JS-owned copies. */
  grads: Weight[];
}

export function computeGradients(model: Sequential, x: InputLike, y: LabelsLike): Gradients {
  const { c, runner } = model.ready("computeGradients");
  if (model.training) throw new ValueError("computeGradients() was called while fit() is running");
  const X = toMatrix("computeGradients(x)", x, runner.inputShape);
  const Y = toLabels("computeGradients(y)", y, X.shape[0], runner.outputDim);
  const rows = X.shape[0];
  runner.plan(rows);
  // Dropout draws its masks as a training step would, from a copy of its stream, and BatchNormalization's
  // moving statistics are put back: the model's state (weights, optimizer, PRNG streams) is the same after
  // the call as before it.
  const streams = model.layers.filter((l) => l.rng).map((l) => [l.rng, runner.arena.i32(l.rng, 4).slice()] as const);
  const state = runner.params.filter((p) => !p.trainable).map((p) => [p, runner.readParam(p)] as const); // moving statistics
  try {
    runner.stageX(X, null, 0, rows);
    runner.stageY(Y, null, 0, rows, Y.kind === "ids" && c.needsOneHot);
    runner.forward(rows, true);
    const t = new Totals(c.metrics, runner.outputDim);
    runner.loss(c, Y, rows, true, true, t);
    runner.backward(rows);
    return { loss: t.last, grads: runner.trained.map((p) => ({ data: runner.arena.f32(p.grad, p.size).slice(), shape: [...p.shape] })) };
  } finally {
    for (const [ptr, s] of streams) runner.arena.i32(ptr, 4).set(s);
    for (const [p, v] of state) runner.writeParam(p, v);
  }
}
