// The limits a model file is checked against before anything it declares is read or allocated (loaded
// only with the decoder and the storage handlers).
import { ValueError, describe } from "../errors.js";
import { MAX_ELEMENTS } from "../limits.js";

/** A model file may declare at most MAX_BYTES of weights (each weight at most MAX_ELEMENTS elements). */
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
