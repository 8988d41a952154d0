import { Optimizer } from "./optimizer.js";
import { Adagrad, Adam, AdamW, RMSprop, SGD } from "./rules.js";
import { lookup } from "../errors.js";

export { Optimizer, SGD, Adagrad, RMSprop, Adam, AdamW };

export const optimizers = {
  sgd: (a?: ConstructorParameters<typeof SGD>[0]) => new SGD(a),
  adagrad: (a?: ConstructorParameters<typeof Adagrad>[0]) => new Adagrad(a),
  rmsprop: (a?: ConstructorParameters<typeof RMSprop>[0]) => new RMSprop(a),
  adam: (a?: ConstructorParameters<typeof Adam>[0]) => new Adam(a),
  adamw: (a?: ConstructorParameters<typeof AdamW>[0]) => new AdamW(a),
};

export type OptimizerName = keyof typeof optimizers;

export function getOptimizer(x: unknown): Optimizer {
  if (x instanceof Optimizer) return x;
  return lookup("compile({ optimizer })", optimizers as unknown as Record<string, () => Optimizer>, x)();
}
