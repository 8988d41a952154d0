// The entry for Cloudflare Workers (export conditions "workerd" and "worker"). Workers refuse to compile
// wasm from bytes ("Wasm code generation disallowed by embedder"), so the kernels come in as a wasm
// module import, which wrangler and workerd turn into a WebAssembly.Module. Workers' V8 has SIMD, so
// only the SIMD build is imported.
// @ts-ignore: resolved by the Workers bundler (a compiled module), not by TypeScript
import simd from "./myelin.simd.wasm"; // dist/myelin.simd.wasm, copied there by the build
import { useModule } from "./backend.js";

useModule("simd", simd as WebAssembly.Module);

export * from "./api.js";
