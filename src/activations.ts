// Activation names (TF.js spellings, with Keras's snake_case aliases) -> kernel code and alpha.
import { Act } from "./kernels.js";
import { lookup } from "./errors.js";

/**
 * The activations, by TF.js's names (Keras's "leaky_relu" is accepted too): linear, sigmoid, tanh, relu,
 * leakyRelu (the textbook max(0.01z, z)), softmax (over each row) and step (the perceptron's Heaviside step,
 * 1 for z >= 0; its derivative is taken as 0).
 */
export type ActivationName = "linear" | "sigmoid" | "tanh" | "relu" | "leakyRelu" | "softmax" | "step";

/** An activation as a layer holds it. */
export interface Activation {
  /** Its name. */
  readonly name: ActivationName;
  /** @internal The kernels' code. */
  readonly code: number;
  /** The slope below zero (leaky ReLU), else 0. */
  readonly alpha: number;
}

const TABLE: Record<string, Activation> = {
  linear: { name: "linear", code: Act.linear, alpha: 0 },
  sigmoid: { name: "sigmoid", code: Act.sigmoid, alpha: 0 },
  tanh: { name: "tanh", code: Act.tanh, alpha: 0 },
  relu: { name: "relu", code: Act.relu, alpha: 0 },
  // The textbook leaky ReLU max(0.01 z, z); the leakyReLU layer defaults to alpha 0.3 as in TF.js/Keras.
  leakyRelu: { name: "leakyRelu", code: Act.leakyRelu, alpha: 0.01 },
  softmax: { name: "softmax", code: Act.softmax, alpha: 0 },
  // Heaviside step of the classic perceptron: its derivative is taken as 0, so gradient descent does
  // not move the weights below it (training through it is allowed and gives zero gradient).
  step: { name: "step", code: Act.step, alpha: 0 },
};
const ALIASES: Record<string, Activation> = { ...TABLE, leaky_relu: TABLE.leakyRelu, heaviside: TABLE.step };

export function getActivation(name: unknown = "linear"): Activation {
  return lookup("activation", ALIASES, name);
}

export function leaky(alpha: number): Activation {
  return { name: "leakyRelu", code: Act.leakyRelu, alpha };
}

/** The activation's name in Keras's JSON ("leaky_relu" for leakyRelu; "step" is written by myelin only). */
export function kerasActivation(a: Activation): string {
  return a.name === "leakyRelu" ? "leaky_relu" : a.name;
}
