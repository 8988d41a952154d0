// Types for harness.mjs (the fuzzers are plain JavaScript run in a worker thread).
export interface FuzzResult {
  seed: number;
  stats: {
    cases: number;
    valueError: number;
    ok?: number;
    byCall?: Record<string, [ok: number, valueError: number]>;
    loaded?: number;
    worstMs?: number;
    worstMsCase?: string;
    worstMemory?: number;
    worstMemoryFiles?: number;
  };
  error?: string;
  counterexample?: string;
  index?: number;
}
export function fuzz(options: {
  kind: "api" | "files" | "watchdog";
  seed?: number;
  runs?: number;
  seconds?: number;
  threads?: number;
  callLimitMs?: number;
  only?: number;
  onTick?: (what: string) => void;
  onStats?: (stats: FuzzResult["stats"]) => void;
}): Promise<FuzzResult>;
