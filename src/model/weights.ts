// fit's sampleWeight and classWeight (Keras's semantics), checked once: the sample weights as a
// Float32Array and the class weights as a table by class. A step looks its rows' weights up
// (Runner.stageWeights), so nothing the size of the data is made per fit. Loaded on first use.
import "../api.js"; // so that in the browser build the code this lazy module shares with the entry is one startup chunk
import type { Labels } from "../data.js";
import type { SampleWeights } from "./runner.js";
import { describe, invalid, ValueError } from "../errors.js";

/** The class weights as a table by class (1 for a class not listed); classes: the outputs, or 2 for one. */
export function classTable(what: string, cw: unknown, units: number): Float64Array {
  const classes = units === 1 ? 2 : units;
  if (cw === null || typeof cw !== "object" || Array.isArray(cw)) throw invalid(what, cw, "an object { [class]: weight }");
  const table = new Float64Array(classes).fill(1);
  for (const [key, v] of Object.entries(cw)) {
    const c = Number(key);
    if (!Number.isInteger(c) || c < 0 || c >= classes) throw invalid(`${what} key`, key, `a class in [0, ${classes - 1}] (the model has ${classes} classes)`);
    if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) throw invalid(`${what}[${key}]`, v, "a finite weight >= 0");
    table[c] = v;
  }
  return table;
}

/** With class weights, a single output's labels must be classes, 0 or 1 (ids and one-hot rows are). */
export function checkClasses(what: string, Y: Labels): void {
  if (Y.kind !== "dense" || Y.cols !== 1) return;
  for (let i = 0; i < Y.rows; i++) {
    const c = Y.data[i];
    if (c !== 0 && c !== 1) throw new ValueError(`${what} needs class labels; received ${c} at index ${i} (a single output's labels must be 0 or 1)`);
  }
}

/** fit's weights, checked: sampleWeight (one per sample, finite, >= 0) and classWeight, or undefined. */
export function sampleWeights(args: { sampleWeight?: ArrayLike<number>; classWeight?: Record<number, number> }, Y: Labels, units: number): SampleWeights | undefined {
  const { sampleWeight: sw, classWeight: cw } = args;
  if (sw === undefined && cw === undefined) return undefined;
  const out: SampleWeights = {};
  if (sw !== undefined) {
    const n = Y.rows;
    if (!sw || typeof sw !== "object" || sw.length !== n) throw invalid("fit({ sampleWeight })", sw, `${n} weights, one per sample`);
    const w = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = sw[i];
      if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) throw new ValueError(`fit({ sampleWeight }) must hold finite weights >= 0; received ${describe(v)} at index ${i}`);
      w[i] = v;
    }
    out.sample = w;
  }
  if (cw !== undefined) {
    out.classes = classTable("fit({ classWeight })", cw, units);
    checkClasses("fit({ classWeight })", Y);
  }
  return out;
}
