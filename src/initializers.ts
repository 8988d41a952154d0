// Weight initializers (TF.js names, Keras defaults), drawn from the kernels' PCG32 so that a seed gives
// the same weights everywhere. Unseeded initializers take the next seed of the global sequence that
// setSeed() restarts (as Keras's set_random_seed): a program gives the same weights run after run,
// and two models in one program still differ.
import type { Kernels } from "./kernels.js";
import { checkNumber, checkOptions, invalid, lookup } from "./errors.js";

let globalSeed = 1;
let drawn = 0;

/** Restarts the global seed sequence that unseeded initializers, shuffles and dropouts draw from. */
export function setSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw invalid("setSeed(seed)", seed, "an integer in [0, 2^32 - 1]");
  globalSeed = seed;
  drawn = 0;
}

/** The next seed of the global sequence (a 32-bit mix of the global seed and a counter). */
export function nextSeed(): number {
  let h = (globalSeed ^ Math.imul(++drawn, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A weight initializer, made by the `initializers` factories (only those are taken: an object of one's
 * own shape is refused). Pass one, or its name, as a layer's kernelInitializer or biasInitializer.
 */
export interface Initializer {
  /** The Keras/TF.js class name ("GlorotUniform", "Zeros", …), as saved in model.json. */
  readonly className: string;
  /** Keras's config for this initializer (snake_case values, as model.json holds it). */
  readonly config: Record<string, unknown>;
  /** @internal Fills n floats at dst for a weight with the given fans, with PCG state at st. */
  fill(k: Kernels, st: number, dst: number, n: number, fanIn: number, fanOut: number): void;
}

const TRUNC = 0.87962566103423978; // std of a unit normal truncated at 2 sigma (Keras's correction)

type Mode = "fanIn" | "fanOut" | "fanAvg";
type Distribution = "uniform" | "truncatedNormal" | "untruncatedNormal";
function varianceScaling(className: string, mode: Mode, dist: Distribution, scale: number, seed?: number, config?: Record<string, unknown>): Initializer {
  return {
    className,
    config: config ?? { seed: seed ?? null },
    fill(k, st, dst, n, fanIn, fanOut) {
      seedState(k, st, seed);
      const fan = mode === "fanIn" ? fanIn : mode === "fanOut" ? fanOut : (fanIn + fanOut) / 2;
      const v = scale / Math.max(1, fan);
      if (dist === "uniform") {
        const limit = Math.sqrt(3 * v);
        k.pcg_uniform(st, dst, n, -limit, limit);
      } else if (dist === "truncatedNormal") {
        k.pcg_normal(st, dst, n, 0, Math.sqrt(v) / TRUNC, 1);
      } else {
        k.pcg_normal(st, dst, n, 0, Math.sqrt(v), 0);
      }
    },
  };
}

/** Seeds a PCG32 state with a seed below 2^53 (as its low and high words) and a stream selector. */
export function seedStream(k: Kernels, st: number, seed: number, stream: number): void {
  k.pcg_seed(st, seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0, stream);
}

// Streams: "my" for initializers, "dp" for dropout masks, "sh" for shuffling.
export const STREAM = { init: 0x6d79, dropout: 0x6470, shuffle: 0x7368 } as const;

function seedState(k: Kernels, st: number, seed: number | undefined): void {
  seedStream(k, st, seed ?? nextSeed(), STREAM.init);
}

function constant(className: string, value: number): Initializer {
  return {
    className,
    config: className === "Constant" ? { value } : {},
    fill(k, st, dst, n) {
      k.pcg_uniform(st, dst, n, value, value); // lo + 0 * u: exactly `value`, no PRNG state consumed
    },
  };
}

/** The options of the variance-scaling initializers. */
export interface SeedArg {
  /** The seed of this initializer's draws (a non-negative integer); without it, the global sequence's next. */
  seed?: number;
}
const seedOf = (what: string, a?: SeedArg | object, keys: string[] = ["seed"]) => {
  if (a !== undefined && (a === null || typeof a !== "object")) throw invalid(`initializers.${what}(args)`, a, "an object such as { seed: 1 }");
  if (a) checkOptions(`initializers.${what}(args)`, a, keys);
  const s = (a as SeedArg | undefined)?.seed;
  if (s !== undefined && (!Number.isInteger(s) || s < 0 || s >= 2 ** 53)) throw invalid(`${what}({ seed })`, s, "a non-negative integer");
  return s;
};

/**
 * The initializers, by TF.js's names, with Keras's defaults; each takes an optional `seed` (unseeded, it
 * takes the next seed of the global sequence: the same weights on every run after the same setSeed).
 * Normal draws are truncated at 2 standard deviations with Keras's correction.
 * @example layers.dense({ units: 8, kernelInitializer: initializers.heNormal({ seed: 7 }), inputShape: [4] })
 */
export const initializers = {
  /** Uniform in ±sqrt(6 / (fanIn + fanOut)) (Glorot & Bengio 2010): the default kernel initializer. */
  glorotUniform: (a?: SeedArg) => varianceScaling("GlorotUniform", "fanAvg", "uniform", 1, seedOf("glorotUniform", a)),
  /** Truncated normal, variance 2 / (fanIn + fanOut). */
  glorotNormal: (a?: SeedArg) => varianceScaling("GlorotNormal", "fanAvg", "truncatedNormal", 1, seedOf("glorotNormal", a)),
  /** Truncated normal, variance 2 / fanIn (He et al. 2015): for ReLU layers. */
  heNormal: (a?: SeedArg) => varianceScaling("HeNormal", "fanIn", "truncatedNormal", 2, seedOf("heNormal", a)),
  /** Uniform in ±sqrt(6 / fanIn). */
  heUniform: (a?: SeedArg) => varianceScaling("HeUniform", "fanIn", "uniform", 2, seedOf("heUniform", a)),
  /** Truncated normal, variance 1 / fanIn (LeCun). */
  lecunNormal: (a?: SeedArg) => varianceScaling("LecunNormal", "fanIn", "truncatedNormal", 1, seedOf("lecunNormal", a)),
  /** Uniform in ±sqrt(3 / fanIn). */
  lecunUniform: (a?: SeedArg) => varianceScaling("LecunUniform", "fanIn", "uniform", 1, seedOf("lecunUniform", a)),
  /** Keras's VarianceScaling; mode 'fan_in' | 'fan_out' | 'fan_avg', distribution 'uniform' | 'truncated_normal' ('normal') | 'untruncated_normal'. */
  varianceScaling(a: { scale?: number; mode?: string; distribution?: string; seed?: number } = {}): Initializer {
    const seed = seedOf("varianceScaling", a, ["scale", "mode", "distribution", "seed"]);
    const scale = checkNumber("varianceScaling({ scale })", a.scale ?? 1, 0, 1e30, true);
    const modes: Record<string, Mode> = { fan_in: "fanIn", fan_out: "fanOut", fan_avg: "fanAvg", fanIn: "fanIn", fanOut: "fanOut", fanAvg: "fanAvg" };
    const dists: Record<string, Distribution> = { uniform: "uniform", normal: "truncatedNormal", truncated_normal: "truncatedNormal", truncatedNormal: "truncatedNormal", untruncated_normal: "untruncatedNormal", untruncatedNormal: "untruncatedNormal" };
    const mode = lookup("varianceScaling({ mode })", modes, a.mode ?? "fan_in");
    const dist = lookup("varianceScaling({ distribution })", dists, a.distribution ?? "truncated_normal");
    return varianceScaling("VarianceScaling", mode, dist, scale, seed, { scale, mode: a.mode ?? "fan_in", distribution: a.distribution ?? "truncated_normal", seed: seed ?? null });
  },
  /** Normal with `mean` (0) and `stddev` (0.05), untruncated. */
  randomNormal(a: { mean?: number; stddev?: number; seed?: number } = {}): Initializer {
    const seed = seedOf("randomNormal", a, ["mean", "stddev", "seed"]);
    const mean = checkNumber("randomNormal({ mean })", a.mean ?? 0, -1e30, 1e30);
    const stddev = checkNumber("randomNormal({ stddev })", a.stddev ?? 0.05, 0, 1e30);
    return { className: "RandomNormal", config: { mean, stddev, seed: seed ?? null }, fill(k, st, dst, n) { seedState(k, st, seed); k.pcg_normal(st, dst, n, mean, stddev, 0); } };
  },
  /** Uniform in [`minval`, `maxval`) (±0.05). */
  randomUniform(a: { minval?: number; maxval?: number; seed?: number } = {}): Initializer {
    const seed = seedOf("randomUniform", a, ["minval", "maxval", "seed"]);
    const minval = checkNumber("randomUniform({ minval })", a.minval ?? -0.05, -1e30, 1e30);
    const maxval = checkNumber("randomUniform({ maxval })", a.maxval ?? 0.05, minval, 1e30);
    return { className: "RandomUniform", config: { minval, maxval, seed: seed ?? null }, fill(k, st, dst, n) { seedState(k, st, seed); k.pcg_uniform(st, dst, n, minval, maxval); } };
  },
  /** All 0: the default bias initializer. */
  zeros: () => constant("Zeros", 0),
  /** All 1. */
  ones: () => constant("Ones", 1),
  /** All `value`. */
  constant: (a: { value: number }) => {
    seedOf("constant", a, ["value"]);
    return constant("Constant", checkNumber("constant({ value })", a?.value, -3.4e38, 3.4e38));
  },
};

/** Every initializer initializers.* has made (nothing else is taken for one). */
const made = new WeakSet<object>();
for (const [name, make] of Object.entries(initializers) as [string, (a?: unknown) => Initializer][]) {
  (initializers as Record<string, unknown>)[name] = (a?: unknown) => {
    const init = make(a);
    made.add(init);
    return init;
  };
}

/**
 * @internal The stand-in for an initializer class a loaded model.json names and the library lacks: it keeps
 * the config so the model saves it again; it fills zeros (the file's weights overwrite them at once).
 */
export function placeholderInitializer(className: string, config: Record<string, unknown>): Initializer {
  const init: Initializer = { className, config, fill: (k, st, dst, n) => k.pcg_uniform(st, dst, n, 0, 0) };
  made.add(init);
  return init;
}

/** The initializers' names (the keys of `initializers`). */
export type InitializerName = keyof typeof initializers;
/** A layer's initializer argument: a name ("glorotUniform", …) or an `initializers.*` value. */
export type InitializerLike = InitializerName | Initializer;

/** An initializer as Keras's JSON holds it: { class_name, config }. */
export function initializerJson(i: Initializer): { class_name: string; config: Record<string, unknown> } {
  return { class_name: i.className, config: { ...i.config } };
}

export function getInitializer(what: string, x: unknown): Initializer {
  if (x !== null && typeof x === "object") {
    // Only the library's own: an initializer writes straight into the model's memory.
    if (made.has(x)) return x as Initializer;
    throw invalid(what, x, "a name or an initializer made by initializers.*");
  }
  const make = lookup(what, initializers as unknown as Record<string, () => Initializer>, x);
  if (x === "constant") throw invalid(what, x, "initializers.constant({ value }) (the name alone has no value)");
  return make();
}
