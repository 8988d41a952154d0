import { Optimizer } from "./optimizer.js";
import { Adagrad, Adam, AdamW, RMSprop, SGD } from "./rules.js";
import { invalid, lookup } from "../errors.js";

export { Optimizer, SGD, Adagrad, RMSprop, Adam, AdamW };

type SGDArgs = ConstructorParameters<typeof SGD>[0];
type AdagradArgs = ConstructorParameters<typeof Adagrad>[0];
type RMSpropArgs = ConstructorParameters<typeof RMSprop>[0];
type AdamArgs = ConstructorParameters<typeof Adam>[0];

/**
 * An optimizer's arguments: an options object (checked: an unknown key is an error), or TF.js's
 * positional form (tf.train.adam(learningRate, beta1, beta2, epsilon)) mapped onto the same names.
 * null or undefined in a position means its default, as in TF.js.
 */
function args<T>(what: string, given: unknown[], positional: string[]): T {
  const first = given[0];
  if (typeof first !== "number" && given.length < 2) return (first ?? {}) as T; // an options object: checked by the constructor
  if (typeof first !== "number" || given.length > positional.length) throw invalid(`${what}(...)`, given, `an options object, or TF.js's positional (${positional.join(", ")})`);
  const out: Record<string, unknown> = {};
  given.forEach((v, i) => v != null && (out[positional[i]] = v));
  return out as T;
}

/**
 * The optimizer factories. Each takes an options object (an unknown key is a ValueError naming the nearest
 * valid one) or TF.js's positional form: `optimizers.adam(0.01)` is `tf.train.adam(0.01)`. Every option is
 * checked (a learning rate in [0, 1e6], epsilon > 0, decays in [0, 1)). Every optimizer also takes the
 * clipping options `clipnorm`, `globalClipnorm` and `clipvalue`.
 * @example model.compile({ optimizer: optimizers.adam({ learningRate: 3e-4 }), loss: "sparseCategoricalCrossentropy" });
 */
export const optimizers = {
  /** optimizers.sgd({ learningRate, momentum, nesterov }) or TF.js's tf.train.sgd(learningRate). */
  sgd: (...a: [SGDArgs?] | [number]) => new SGD(args("optimizers.sgd", a, ["learningRate"])),
  /** optimizers.adagrad({ ... }) or tf.train.adagrad(learningRate, initialAccumulatorValue). */
  adagrad: (...a: [AdagradArgs?] | [number, number?]) => new Adagrad(args("optimizers.adagrad", a, ["learningRate", "initialAccumulatorValue"])),
  /** optimizers.rmsprop({ ... }) or tf.train.rmsprop(learningRate, decay, momentum, epsilon, centered) (decay is rho). */
  rmsprop: (...a: [RMSpropArgs?] | [number, number?, number?, number?, boolean?]) => new RMSprop(args("optimizers.rmsprop", a, ["learningRate", "rho", "momentum", "epsilon", "centered"])),
  /** optimizers.adam({ ... }) or tf.train.adam(learningRate, beta1, beta2, epsilon). */
  adam: (...a: [AdamArgs?] | [number, number?, number?, number?]) => new Adam(args("optimizers.adam", a, ["learningRate", "beta1", "beta2", "epsilon"])),
  /** optimizers.adamw({ ... }) or Keras's positional order AdamW(learningRate, weightDecay, beta1, beta2, epsilon). */
  adamw: (...a: [AdamArgs?] | [number, number?, number?, number?, number?]) => new AdamW(args("optimizers.adamw", a, ["learningRate", "weightDecay", "beta1", "beta2", "epsilon"])),
};

/** The optimizer names compile takes, in myelin's, TF.js's and Keras's spellings. */
export type OptimizerName = keyof typeof optimizers | "SGD" | "Adagrad" | "RMSprop" | "RMSProp" | "Adam" | "AdamW";

/** compile's optimizer: an instance, or a name in myelin's, TF.js's or Keras's spelling ("adam", "Adam"). */
export function getOptimizer(x: unknown): Optimizer {
  if (x instanceof Optimizer) return x;
  const names: Record<string, () => Optimizer> = { sgd: optimizers.sgd, adagrad: optimizers.adagrad, rmsprop: optimizers.rmsprop, adam: optimizers.adam, adamw: optimizers.adamw };
  if (typeof x === "string" && Object.prototype.hasOwnProperty.call(names, x.toLowerCase())) return names[x.toLowerCase()]();
  return lookup("compile({ optimizer })", names, x)();
}
