// Errors that name the argument, the value received and what would be valid (STYLE.md 10).

export class ValueError extends Error {
  override name = "ValueError";
}

/** Describes a received value briefly: arrays by length, objects by constructor, strings quoted. */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
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
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) throw invalid(what, value, "a positive integer");
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
