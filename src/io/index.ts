// loadLayersModel: the other half of model.save, for every source model.save writes and TF.js reads.
import { Sequential } from "../model/sequential.js";
import { decode } from "./artifacts.js";
import { loadArtifacts } from "./handlers.js";

export { toBytes, type IOHandler, type SaveResult } from "./handlers.js";
export type { ModelArtifacts, WeightSpec } from "./artifacts.js";

/**
 * Loads a model saved by myelin, TF.js or tfjs-converter (Keras): a path to model.json or its directory,
 * file:// or http(s):// URLs (weights fetched beside model.json; sharded `paths` joined in order),
 * localstorage:// or indexeddb:// names, { modelTopology, weightSpecs, weightData } artifacts, the bytes
 * of save("memory").bytes, or a TF.js-style handler with load(). Everything is checked before the model
 * is returned. With saved training state, the model comes back compiled with its optimizer state.
 */
export async function loadLayersModel(source: unknown): Promise<Sequential> {
  return decode(await loadArtifacts(source), (name, layers) => new Sequential({ name, layers }));
}
