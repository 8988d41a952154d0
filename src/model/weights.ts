// fit's sampleWeight and classWeight as one weight per sample (Keras's semantics). Loaded on first use.
import "../api.js"; // so that in the browser build the code this lazy module shares with the entry is one startup chunk
import type { FitArgs } from "./fit.js";
import type { Labels } from "../data.js";
import { describe, invalid, ValueError } from "../errors.js";

/** Each sample's loss weight from sampleWeight and classWeight (multiplied, as Keras), or undefined. */
export function sampleWeights(args: FitArgs, Y: Labels, units: number): Float32Array | undefined {
  const { sampleWeight: sw, classWeight: cw } = args;
  if (sw === undefined && cw === undefined) return undefined;
  const n = Y.rows;
  const w = new Float32Array(n).fill(1);
  if (sw !== undefined) {
    if (!sw || typeof sw !== "object" || sw.length !== n) throw invalid("fit({ sampleWeight })", sw, `${n} weights, one per sample`);
    for (let i = 0; i < n; i++) {
      const v = sw[i];
      if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) throw new ValueError(`fit({ sampleWeight }) must hold finite weights >= 0; received ${describe(v)} at index ${i}`);
      w[i] = v;
    }
  }
  if (cw !== undefined) {
    const classes = units === 1 ? 2 : units;
    if (cw === null || typeof cw !== "object" || Array.isArray(cw)) throw invalid("fit({ classWeight })", cw, "an object { [class]: weight }");
    const table = new Float64Array(classes).fill(1);
    for (const [key, v] of Object.entries(cw)) {
      const c = Number(key);
      if (!Number.isInteger(c) || c < 0 || c >= classes) throw invalid(`fit({ classWeight }) key`, key, `a class in [0, ${classes - 1}] (the model has ${classes} classes)`);
      if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) throw invalid(`fit({ classWeight })[${key}]`, v, "a finite weight >= 0");
      table[c] = v;
    }
    for (let i = 0; i < n; i++) {
      let c = 0;
      if (Y.kind === "ids") c = Y.data[i];
      else if (Y.cols === 1) {
        c = Y.data[i];
        if (c !== 0 && c !== 1) throw new ValueError(`fit({ classWeight }) needs class labels; received ${c} at index ${i} (a single output's labels must be 0 or 1)`);
      } else for (let j = 1, o = i * Y.cols; j < Y.cols; j++) if (Y.data[o + j] > Y.data[o + c]) c = j;
      w[i] *= table[c];
    }
  }
  return w;
}
