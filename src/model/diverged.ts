// The warning fit prints when training diverges, loaded only then (it stays out of the startup bundle).
import "../api.js"; // so that in the browser build the code this lazy module shares with the entry is one startup chunk
import type { History } from "./fit.js";

/** Training that diverges says so once per fit (Keras prints nothing): where, and what to do. */
export function warnNonFinite(name: string, at: NonNullable<History["nonFinite"]>): void {
  console.warn(`myelin: fit() of ${name}: batch ${at.batch} of epoch ${at.epoch + 1} went non-finite (loss ${at.loss}): ` + (at.applied
    ? "training diverged; lower the learning rate, clip gradients or use callbacks.terminateOnNaN()"
    : "terminateOnNaN kept the last finite weights"));
}
