// The two JSON/byte forms every save shares: model.json's object (TF.js's layout), and one byte string
// holding model.json and weights.bin (for Workers KV and R2). Small, and without the storage handlers,
// so that toBytes rides in every bundle and the handlers load only when an app saves or loads.
import type { ModelArtifacts, WeightSpec } from "./artifacts.js";
import { ValueError, describe } from "../errors.js";

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


/** A weight may hold at most this many elements (1 GiB of float32); a model at most MAX_BYTES of weights. */
export const MAX_ELEMENTS = 1 << 28;
export const MAX_BYTES = 2 ** 31;
/** model.json may list at most this many weight files, and nest at most this deep. */
export const MAX_PATHS = 4096;
export const MAX_DEPTH = 64;

/** Elements of a tensor of this shape (checked: non-negative integers, at most MAX_ELEMENTS in all). */
export function elements(where: string, shape: unknown): number {
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ValueError(`${where}: shape must be a list of at most 8 non-negative integers; received ${Array.isArray(shape) && shape.length <= 16 ? JSON.stringify(shape) : describe(shape)}`);
  }
  const n = shape.reduce((a: number, d: number) => a * d, 1);
  if (n > MAX_ELEMENTS) throw new ValueError(`${where}: shape ${JSON.stringify(shape)} declares ${n} elements, more than the ${MAX_ELEMENTS} a weight may have`);
  return n;
}

/** The bytes the weight specs declare (4 per element), checked against MAX_BYTES before anything is read. */
export function declaredBytes(where: string, specs: unknown): number {
  if (!Array.isArray(specs)) throw new ValueError(`${where}: the weights manifest must list weights; received ${describe(specs)}`);
  let bytes = 0;
  specs.forEach((s, i) => {
    const w = `${where}: weight ${i}`;
    if (!s || typeof s !== "object") throw new ValueError(`${w} must be { name, shape, dtype }; received ${describe(s)}`);
    bytes += 4 * elements(`${w} (${describe((s as { name?: unknown }).name)})`, (s as { shape?: unknown }).shape);
    if (bytes > MAX_BYTES) throw new ValueError(`${where}: the manifest declares more than ${MAX_BYTES} bytes of weights`);
  });
  return bytes;
}

/**
 * Throws unless a JSON value nests at most MAX_DEPTH deep (checked without recursion, so that a
 * hostile file cannot overflow the stack here, nor later when it is saved again).
 */
export function checkDepth(where: string, value: unknown): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (!v || typeof v !== "object") continue;
    if (d > MAX_DEPTH) throw new ValueError(`${where} nests more than ${MAX_DEPTH} levels deep`);
    for (const k of Object.keys(v)) stack.push([(v as Record<string, unknown>)[k], d + 1]);
  }
}
