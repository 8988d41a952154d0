// Errors that name the argument, the value received and what would be valid (STYLE.md 10).
import { MAX_ELEMENTS } from "./limits.js";

/**
 * What every mistake throws: the message names the argument, the value received and what is valid, and
 * the call that threw changed nothing (weights, optimizer state and seeds are as before).
 * @example try { model.fit(x, y, { epoch: 3 }); } catch (e) { if (e instanceof ValueError) console.log(e.message); }
 */
export class ValueError extends Error {
  /** "ValueError". */
  override name = "ValueError";
}

/** Describes a received value briefly: arrays by length, objects by constructor, strings quoted. */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `the BigInt ${value}n`;
  if (typeof value === "symbol") return "a Symbol";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
  if (value === null) return "null";
  if (typeof value === "object") return `an object with keys [${Object.keys(value as object).join(", ")}]`;
  return String(value);
}

/** `${what} must be ${valid}; received ${value}`. */
export function invalid(what: string, value: unknown, valid: string): ValueError {
  return new ValueError(`${what} must be ${valid}; received ${describe(value)}`);
}

export function checkPositiveInt(what: string, value: unknown): number {
  // Safe integers only: past 2^53, n + 1 === n and a loop counting to it would never end.
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) throw invalid(what, value, "a positive integer up to 2^53 - 1");
  return value;
}

/** A size (units, features): a positive integer no larger than a weight may be (MAX_ELEMENTS). */
export function checkSize(what: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0 || value > MAX_ELEMENTS) {
    throw invalid(what, value, "a positive integer up to 2^28");
  }
  return value;
}

export function checkNumber(what: string, value: unknown, lo: number, hi: number, loOpen = false, hiOpen = false): number {
  const ok = typeof value === "number" && Number.isFinite(value) &&
    (loOpen ? value > lo : value >= lo) && (hiOpen ? value < hi : value <= hi);
  if (!ok) throw invalid(what, value, `a number in ${loOpen ? "(" : "["}${lo}, ${hi}${hiOpen ? ")" : "]"}`);
  return value as number;
}

/** Looks a name up in a table of names and aliases; an unknown name lists the valid ones. */
export function lookup<T>(what: string, table: Record<string, T>, name: unknown): T {
  if (typeof name === "string" && Object.prototype.hasOwnProperty.call(table, name)) return table[name];
  throw invalid(what, name, `one of ${Object.keys(table).map((k) => `'${k}'`).join(", ")}`);
}

/** The candidate sharing the longest start with `name` (at least 3 letters, case ignored): a likely misspelling. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined, most = 2;
  // Case and underscores aside (Keras's snake_case: min_lr is minLr), then the longest common prefix.
  const a = name.toLowerCase().replace(/_/g, "");
  for (const c of candidates) {
    const b = c.toLowerCase();
    if (a === b) return c;
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    if (i > most) [best, most] = [c, i];
  }
  return best;
}

/**
 * Throws unless `options` is an object whose every own key is one of `valid`: an option the library
 * would not act on (a misspelling, or a TF.js option not implemented yet) is an error naming the
 * nearest valid key, never silently ignored.
 */
export function checkOptions(what: string, options: unknown, valid: readonly string[]): void {
  if (options === null || typeof options !== "object") throw invalid(what, options, `an object { ${valid.join(", ")} }`);
  for (const k of Object.keys(options)) {
    if (valid.includes(k)) continue;
    const near = closest(k, valid);
    throw new ValueError(`${what}: unknown option '${k}'${near ? `; did you mean '${near}'?` : ""} Valid options: ${valid.join(", ")}`);
  }
}
