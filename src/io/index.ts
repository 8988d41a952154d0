// loadLayersModel: the other half of model.save, for every source model.save writes and TF.js reads.
// The decoder and the storage handlers (src/io/load.ts) load on first use: an app that never loads a
// model does not carry them.
import type { Sequential } from "../model/sequential.js";

export { toBytes } from "./bytes.js";
export type { IOHandler, SaveResult } from "./handlers.js";
export type { ModelArtifacts, WeightSpec } from "./artifacts.js";

/**
 * Loads a model saved by myelin, TF.js or tfjs-converter (Keras): a path to model.json or its directory,
 * file:// or http(s):// URLs (weights fetched beside model.json; sharded `paths` joined in order),
 * localstorage:// or indexeddb:// names, { modelTopology, weightSpecs, weightData } artifacts, the bytes
 * of save("memory").bytes, or a TF.js-style handler with load(). Everything is checked before the model
 * is returned. With saved training state, the model comes back compiled with its optimizer state.
 */
export async function loadLayersModel(source: unknown): Promise<Sequential> {
  const { loadModel } = await import("./load.js");
  return loadModel(source);
}
