// The compiled wasm module, shared by every model; each model instantiates it on a memory of its own
// (so model.dispose() gives its memory back). init() is optional: first use loads the module from the
// package's build/ directory where the runtime can read files synchronously (Node, Deno, Bun).
import { chooseBuild, engineFromModule, type Build, type Engine } from "./engine.js";
import { invalid } from "./errors.js";

let compiled: { build: Build; module: WebAssembly.Module } | undefined;

export interface InitOptions {
  /** The wasm to use: a compiled module, its bytes, a URL or a Response. Default: the package's build. */
  wasm?: WebAssembly.Module | BufferSource | URL | string | Response;
  /** Force a build; by default SIMD where WebAssembly.validate accepts it, else scalar. */
  build?: Build;
}

/** Loads and compiles the kernels. Optional: the first model does it for you where it can. */
export async function init(options: InitOptions = {}): Promise<Build> {
  const build = options.build ?? chooseBuild();
  const given: unknown = options.wasm ?? wasmUrl(build);
  const src = typeof given === "string" ? new URL(given) : given;
  let module: WebAssembly.Module;
  if (src instanceof WebAssembly.Module) module = src;
  else if (src instanceof URL) module = await compileUrl(src);
  else if (typeof Response !== "undefined" && src instanceof Response) module = await WebAssembly.compile(await src.arrayBuffer());
  else if (src instanceof ArrayBuffer || ArrayBuffer.isView(src)) module = await WebAssembly.compile(src as BufferSource);
  else throw invalid("init({ wasm })", src, "a WebAssembly.Module, bytes, a URL or a Response");
  compiled = { build, module };
  return build;
}

/** Installs an already compiled module (the Workers entry does this at import time). */
export function useModule(build: Build, module: WebAssembly.Module): void {
  compiled = { build, module };
}

/** The active build ("simd" or "scalar"), loading it first if needed. */
export function activeBuild(): Build {
  return ensureModule().build;
}

/** A fresh engine (instance + memory) for one model. */
export function createModelEngine(): Engine {
  const { build, module } = ensureModule();
  return engineFromModule(build, module);
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
  if (compiled) return compiled;
  const build = chooseBuild();
  const url = wasmUrl(build);
  // Synchronous first use needs file access (Node 20.16+, Deno, Bun); elsewhere call `await init()` first.
  const fs = url.protocol === "file:" ? nodeFs() : undefined;
  if (!fs) throw new Error("myelin: call `await init()` before the first model here (this runtime cannot read the wasm synchronously)");
  compiled = { build, module: new WebAssembly.Module(fs.readFileSync(url)) };
  return compiled;
}
