// The compiled wasm modules, shared by every model; each model instantiates one on a memory of its own
// (so model.dispose() gives its memory back). init() is optional: first use loads the module from the
// package's build/ directory where the runtime can read files synchronously (Node, Deno, Bun).
//
// Threads: with more than one, new models use the threads build (the SIMD build on a shared memory) and
// the pool of src/pool.ts splits their big kernels among workers. The default is "auto" (the cores the
// runtime reports, at most 8) wherever threads can run without the user doing anything: Node, Deno,
// Bun, and cross-origin isolated pages and their workers. The results are the same bits for every count.
import { chooseBuild, engineFromModule, type Build, type Engine } from "./engine.js";
import { checkOptions, invalid } from "./errors.js";
import { autoThreads, poolLoader, threadsUnavailable, type PoolApi } from "./threads.js";
import type { Pool } from "./pool.js";

const modules: Partial<Record<Build, WebAssembly.Module>> = {};
let current: Build | undefined; // the build new models use
let poolApi: PoolApi | undefined;
let pool: Pool | undefined;

/** The options of init(): which wasm, which build, how many threads. */
export interface InitOptions {
  /**
   * The wasm to use: a compiled module, its bytes, a URL or a Response. Default: the package's. It is
   * the build named by `build`; without `build`, a single-threaded one (SIMD, or scalar), so that a
   * given wasm runs one thread unless `build: "threads"` says it is the threads build.
   */
  wasm?: WebAssembly.Module | BufferSource | URL | string | Response;
  /** Force a build; by default "threads" when more than one thread runs, else SIMD where WebAssembly.validate accepts it, else scalar. */
  build?: Build;
  /**
   * Threads to compute on, the calling thread included: a positive integer, or "auto" (the default:
   * the cores the runtime reports, at most 8). Where threads cannot run (Cloudflare Workers, pages
   * that are not cross-origin isolated, runtimes without SharedArrayBuffer) one thread runs, with the
   * same results, and an explicit number above 1 is reported once as a warning.
   */
  threads?: number | "auto";
}

const warned = new Set<string>();
function warnOnce(reason: string): void {
  if (warned.has(reason)) return;
  warned.add(reason);
  console.warn(`myelin: ${reason}`);
}

const BUILDS: readonly Build[] = ["simd", "scalar", "threads"];

/** How many threads to run, from the options and what the runtime allows (1: no pool). */
function resolveThreads(threads: unknown, build: Build | undefined): number {
  if (threads !== undefined && threads !== "auto" && (typeof threads !== "number" || !Number.isInteger(threads) || threads < 1 || threads > 64)) {
    throw invalid("init({ threads })", threads, "a positive integer (at most 64) or 'auto'");
  }
  const explicit = typeof threads === "number" && threads > 1;
  if (build === "simd" || build === "scalar") {
    if (explicit) warnOnce(`init({ threads: ${threads} }) runs one thread: the '${build}' build is single-threaded (give a threads build with build: 'threads')`);
    return 1;
  }
  const n = typeof threads === "number" ? threads : autoThreads();
  if (n === 1 && build !== "threads") return 1;
  const why = threadsUnavailable() ?? (chooseBuild() === "scalar" ? "this runtime's WebAssembly has no SIMD, which the threads build needs" : undefined);
  if (why) {
    if (explicit || build === "threads") warnOnce(`init({ ${explicit ? `threads: ${threads}` : "build: 'threads'"} }) runs one thread: ${why}`);
    return 1;
  }
  return n;
}

/** Loads and compiles the kernels, and starts the threads. Optional: the first model does it for you where it can. */
export async function init(options: InitOptions = {}): Promise<Build> {
  checkOptions("init(options)", options, ["wasm", "build", "threads"]);
  if (options.build !== undefined && !BUILDS.includes(options.build)) throw invalid("init({ build })", options.build, "'simd', 'scalar' or 'threads'");
  // A wasm given without its build is a single-threaded build (the threads build must be named).
  const named = options.build ?? (options.wasm !== undefined ? chooseBuild() : undefined);
  const n = resolveThreads(options.threads, named);
  const build: Build = n > 1 ? "threads" : named === "scalar" || named === "simd" ? named : chooseBuild();
  // The given wasm is of the named build; if that build cannot run (threads here impossible), the package's,
  // compiled once (the Workers entry installs it at import time: Workers cannot compile bytes).
  const own = options.wasm !== undefined && (named === undefined || named === build);
  const given: unknown = own ? options.wasm : (modules[build] ?? wasmUrl(build));
  const src = typeof given === "string" ? new URL(given) : given;
  let module: WebAssembly.Module;
  if (src instanceof WebAssembly.Module) module = src;
  else if (src instanceof URL) module = await compileUrl(src);
  else if (typeof Response !== "undefined" && src instanceof Response) module = await WebAssembly.compile(await src.arrayBuffer());
  else if (src instanceof ArrayBuffer || ArrayBuffer.isView(src)) module = await WebAssembly.compile(src as BufferSource);
  else throw invalid("init({ wasm })", src, "a WebAssembly.Module, bytes, a URL or a Response");
  if (n > 1) {
    poolApi ??= await poolLoader()!();
    await usePool(module, n);
  } else {
    pool?.resize(1);
  }
  modules[build] = module;
  current = build;
  return build;
}

/** Starts (or resizes) the pool on the threads build `module`; resolves when its workers are up. */
function usePool(module: WebAssembly.Module, n: number): Promise<void> {
  if (pool && pool.module !== module) {
    pool.close(); // models on the old module keep running, on one thread
    pool = undefined;
  }
  pool ??= new poolApi!.Pool(module, warnOnce);
  return pool.resize(n);
}

/** Installs an already compiled module (the Workers entry does this at import time). */
export function useModule(build: Build, module: WebAssembly.Module): void {
  modules[build] = module;
  current = build;
}

/** The active build ("simd", "scalar" or "threads"), loading it first if needed. */
export function activeBuild(): Build {
  return ensureModule().build;
}

/** The number of threads new models compute on, the calling thread included (1 without threads). */
export function threadCount(): number {
  const { build } = ensureModule();
  return build === "threads" && pool ? pool.threads : 1;
}

/** @internal The pool new models run on, if any (tests and benchmarks read its counts). */
export function threadPool(): Pool | undefined {
  return current === "threads" ? pool : undefined;
}

/** A fresh engine (instance + memory) for one model; `owner` is the model (its workers' instances go when it does). */
export function createModelEngine(owner: object): Engine {
  const { build, module } = ensureModule();
  const engine = engineFromModule(build, module);
  if (build === "threads" && pool && poolApi) {
    const { kernels, threads } = poolApi.parallelKernels(pool, engine, owner);
    engine.kernels = kernels;
    engine.threads = threads;
  }
  return engine;
}

function wasmUrl(build: Build): URL {
  return new URL(`../build/myelin.${build}.wasm`, import.meta.url);
}

// File access through process.getBuiltinModule (Node 20.16+, Deno, Bun): no import of node:fs anywhere,
// so browser bundlers see nothing to resolve.
export function nodeFs(): typeof import("node:fs") | undefined {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  return getBuiltin ? (getBuiltin("node:fs") as typeof import("node:fs")) : undefined;
}

async function compileUrl(url: URL): Promise<WebAssembly.Module> {
  const fs = url.protocol === "file:" ? nodeFs() : undefined;
  if (fs) return WebAssembly.compile(await fs.promises.readFile(url));
  const response = await fetch(url);
  if (!response.ok) throw invalid("init({ wasm })", url.href, `a reachable URL (fetch answered ${response.status})`);
  return WebAssembly.compileStreaming ? WebAssembly.compileStreaming(response) : WebAssembly.compile(await response.arrayBuffer());
}

function ensureModule(): { build: Build; module: WebAssembly.Module } {
  if (current) return { build: current, module: modules[current]! };
  // Synchronous first use needs file access (Node 20.16+, Deno, Bun); elsewhere call `await init()` first.
  const fs = nodeFs();
  if (!fs || wasmUrl("simd").protocol !== "file:") throw new Error("myelin: call `await init()` before the first model here (this runtime cannot read the wasm synchronously)");
  // Threads by default where the entry has the pool at hand (a synchronous loader).
  let n = resolveThreads(undefined, undefined);
  const api = n > 1 ? poolLoader()?.() : undefined;
  if (!api || api instanceof Promise) n = 1;
  const build: Build = n > 1 ? "threads" : chooseBuild();
  const module = new WebAssembly.Module(fs.readFileSync(wasmUrl(build)));
  if (n > 1) {
    poolApi = api as PoolApi;
    void usePool(module, n); // workers start in the background; tasks go to those that are up
  }
  modules[build] = module;
  current = build;
  return { build, module };
}
