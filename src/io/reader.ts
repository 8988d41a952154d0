// Keras's JSON topology -> layers, as TF.js writes it in model.json (snake_case keys) and as
// tfjs-converter writes it from Keras (also: `model_config` wrapper, `config` as the bare array of
// layers, an InputLayer first, VarianceScaling initializers, Keras 3's batch_shape and dtype policies).
// Each layer is made through the registry (Keras's from_config: the class's constructor takes its config
// in camelCase), so a registered layer needs nothing here.
// Loaded on first use (loading a model, Sequential.fromConfig): an app that never reads one does not carry it.
import "../api.js"; // so that in the browser build the code this lazy module shares with the entry is one startup chunk
import { LAYER_CLASSES, type Layer } from "../layers/layer.js";
import { initializers, placeholderInitializer, type Initializer } from "../initializers.js";
import { regularizers, type Regularizer } from "../regularizers.js";
import type { ActivationName } from "../activations.js";
import { ValueError, describe } from "../errors.js";

// Keras/TF.js activation names -> ours; "leaky_relu" and "step" are written by myelin only.
const ACTIVATIONS: Record<string, ActivationName> = {
  linear: "linear", relu: "relu", sigmoid: "sigmoid", tanh: "tanh", softmax: "softmax",
  leaky_relu: "leakyRelu", leakyRelu: "leakyRelu", step: "step",
};
// Keys other writers use for ours (Keras 3).
const ALIASES: Record<string, string> = { batchShape: "batchInputShape", negativeSlope: "alpha" };

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

function activationOf(where: string, v: unknown): ActivationName {
  if (typeof v === "string" && own(ACTIVATIONS, v)) return ACTIVATIONS[v];
  throw new ValueError(`${where}: activation ${describe(v)} is not supported; supported: ${Object.keys(ACTIVATIONS).join(", ")}`);
}

/** An initializer from { class_name, config }, through the initializers' registry (their TF.js names). */
function initializerOf(v: unknown): Initializer | undefined {
  if (!v || typeof v !== "object") return undefined;
  const { class_name: cls, config: c0 } = v as { class_name?: string; config?: unknown };
  const config = (c0 && typeof c0 === "object" ? c0 : {}) as Record<string, unknown>; // null or missing: defaults
  const name = String(cls).replace(/^./, (c) => c.toLowerCase());
  // Weights are loaded right after; an initializer the library lacks keeps its config, so that it round-trips.
  if (!own(initializers, name)) return placeholderInitializer(String(cls), { ...config });
  const args: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(config)) if (x !== null) args[camel(k)] = x;
  return (initializers as unknown as Record<string, (a: object) => Initializer>)[name](args);
}

function regularizerOf(v: unknown): Regularizer | undefined {
  if (!v || typeof v !== "object") return undefined;
  const { class_name: cls, config: c0 } = v as { class_name?: string; config?: unknown };
  const config = (c0 && typeof c0 === "object" ? c0 : {}) as Record<string, number>;
  if (cls !== "L1L2" && cls !== "L1" && cls !== "L2") throw new ValueError(`regularizer ${describe(cls)} is not supported; supported: L1L2, L1, L2`);
  return regularizers.l1l2({ l1: config.l1 ?? 0, l2: config.l2 ?? 0 });
}

/** A layer's Keras config as its constructor's arguments: camelCase keys, nested objects made, nulls dropped. */
function argsOf(where: string, c: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) {
    if (v === null || v === undefined) continue; // Keras writes null for "none": no seed, no regularizer, no constraint
    let key = camel(k);
    key = own(ALIASES, key) ? ALIASES[key] : key;
    if (key.endsWith("Initializer")) args[key] = initializerOf(v);
    else if (key.endsWith("Regularizer")) args[key] = regularizerOf(v);
    else if (key === "activation") args[key] = activationOf(where, v);
    // Keras 3 writes a dtype policy object; float32 is the only dtype either way.
    else if (key === "dtype") args[key] = typeof v === "object" ? (v as { config?: { name?: unknown } }).config?.name : v;
    else args[key] = v;
  }
  return args;
}

/** Layers from a topology in any of the forms TF.js and tfjs-converter write. */
export function layersFromTopology(topology: unknown): { name: string; layers: Layer[] } {
  if (!topology || typeof topology !== "object") throw new ValueError(`modelTopology must be an object (Keras's JSON); received ${describe(topology)}`);
  let t = topology as Record<string, unknown>;
  if (t.model_config && typeof t.model_config === "object") t = t.model_config as Record<string, unknown>;
  const cls = t.class_name ?? t.className;
  if (cls !== "Sequential") throw new ValueError(`modelTopology.class_name ${describe(cls)} is not supported; supported: Sequential (of ${[...LAYER_CLASSES.keys()].join(", ")})`);
  const cfg = t.config as unknown;
  const list = Array.isArray(cfg) ? cfg : (cfg as { layers?: unknown })?.layers;
  if (!Array.isArray(list) || list.length === 0) throw new ValueError(`modelTopology.config must hold a non-empty list of layers; received ${describe(cfg)}`);
  const name = (!Array.isArray(cfg) && typeof (cfg as { name?: unknown }).name === "string" ? (cfg as { name: string }).name : undefined) ?? "sequential";
  const layers: Layer[] = [];
  let pendingShape: unknown;
  list.forEach((entry, i) => {
    const where = `modelTopology layer ${i}`;
    if (!entry || typeof entry !== "object") throw new ValueError(`${where} must be { class_name, config }; received ${describe(entry)}`);
    const { class_name: lc, config: c0 } = entry as { class_name?: unknown; config?: unknown };
    const c = (c0 && typeof c0 === "object" ? c0 : {}) as Record<string, unknown>;
    const args = argsOf(`${where} (${describe(lc)})`, c);
    if (lc === "InputLayer") {
      // Keras's explicit input: its shape is the next layer's.
      if (args.sparse || args.ragged) throw new ValueError(`${where} (InputLayer): sparse and ragged inputs are not supported`);
      pendingShape = args.batchInputShape;
      return;
    }
    const cls = typeof lc === "string" && LAYER_CLASSES.has(lc) ? LAYER_CLASSES.get(lc)! : undefined;
    if (!cls) throw new ValueError(`${where}: layer class ${describe(lc)} is not supported; supported: ${[...LAYER_CLASSES.keys(), "InputLayer"].join(", ")}`);
    if (layers.length) delete args.batchInputShape; // only the first layer's input shape means anything (as Keras)
    else if (pendingShape !== undefined) args.batchInputShape ??= pendingShape;
    const shape = args.batchInputShape;
    if (shape !== undefined && (!Array.isArray(shape) || shape[0] !== null || shape.length < 2 || shape.slice(1).some((d) => !Number.isInteger(d) || d <= 0 || d > 1 << 24))) {
      throw new ValueError(`${where}: batch_input_shape must be [null, ...sizes] with every size in [1, 2^24]; received ${JSON.stringify(shape)}`);
    }
    try {
      layers.push(new cls(args as never));
    } catch (e) {
      throw e instanceof ValueError ? new ValueError(`${where} (${lc}): ${e.message}`) : e;
    }
  });
  return { name, layers };
}
