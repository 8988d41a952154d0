// Types for seeded.mjs (plain JavaScript so that Deno, Bun and workerd run it as it is).
export interface SeededResult { build: string; hash: string; loss: number[]; acc: number[]; predictions: number[] }
export interface LargeResult extends SeededResult { threads: number; predictionsHash: string }
export function data(n?: number): { x: { data: Float32Array; shape: [number, number] }; y: Int32Array };
export function fnv1a(arrays: ArrayBufferView[]): string;
export function seededRun(m: unknown): Promise<SeededResult>;
export function seededRunLarge(m: unknown): Promise<LargeResult>;
export function saveLoadCheck(m: unknown, target?: string): Promise<boolean>;
export function workersTakePart(m: unknown, pool: { readonly workerTasks: number }, before: number): number;
