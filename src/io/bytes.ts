// The two JSON/byte forms every save shares: model.json's object (TF.js's layout), and one byte string
// holding model.json and weights.bin (for Workers KV and R2). Small, and without the storage handlers,
// so that toBytes rides in every bundle and the handlers load only when an app saves or loads.
import type { ModelArtifacts, WeightSpec } from "./artifacts.js";

export interface ModelJson {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: ModelArtifacts["trainingConfig"];
}

export function modelJson(a: ModelArtifacts, weightsPath: string): ModelJson {
  return {
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: [weightsPath], weights: a.weightSpecs }],
    format: a.format ?? "layers-model",
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy ?? null,
    ...(a.trainingConfig ? { trainingConfig: a.trainingConfig } : {}),
  };
}

export const MAGIC = 0x314c594d; // "MYL1" little-endian

/** One byte string holding model.json and weights.bin: magic, JSON length (u32 LE), JSON, weights. */
export function toBytes(a: ModelArtifacts): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(modelJson(a, "weights.bin")));
  const out = new Uint8Array(8 + json.length + a.weightData.byteLength);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, json.length, true);
  out.set(json, 8);
  out.set(new Uint8Array(a.weightData), 8 + json.length);
  return out;
}
