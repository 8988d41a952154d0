// Loads both wasm builds for the tests: every kernel test runs once per build (STYLE.md 4).
import { createEngine, type Build, type Engine } from "../../src/engine.js";
import { Arena } from "../../src/arena.js";
import { projectUrl, readBytes } from "./files.js";

export const BUILDS: Build[] = ["simd", "scalar"];

const cache = new Map<Build, Promise<Engine>>();

export function loadEngine(build: Build): Promise<Engine> {
  let e = cache.get(build);
  if (!e) {
    e = readBytes(projectUrl(`build/myelin.${build}.wasm`)).then((bytes) => createEngine(build, bytes));
    cache.set(build, e);
  }
  return e;
}

/** A scratch space on an engine: put arrays in, run kernels, read results out (as copies). */
export class Scratch {
  readonly arena: Arena;
  private start: number;
  constructor(readonly engine: Engine) {
    this.arena = new Arena(engine);
    this.start = this.arena.mark();
  }
  /** Bytes that reset() keeps (a thread pool's job record and workspaces). */
  reserve(bytes: number): number {
    const p = this.arena.alloc(bytes);
    this.start = this.arena.mark();
    return p;
  }
  get k() {
    return this.engine.kernels;
  }
  reset(): void {
    this.arena.release(this.start);
  }
  /** Copies values in (as float32) and returns the pointer. */
  put(values: ArrayLike<number>): number {
    const p = this.arena.alloc(values.length * 4);
    this.arena.f32(p, values.length).set(values);
    return p;
  }
  putI32(values: ArrayLike<number>): number {
    const p = this.arena.alloc(values.length * 4);
    this.arena.i32(p, values.length).set(values);
    return p;
  }
  /** A buffer filled with a canary value, so that writes outside the expected range can be caught. */
  alloc(n: number, fill = NaN): number {
    const p = this.arena.alloc(n * 4 + 16);
    this.arena.f32(p, n + 4).fill(fill);
    return p;
  }
  get(p: number, n: number): Float32Array {
    return this.arena.f32(p, n).slice();
  }
  getI32(p: number, n: number): Int32Array {
    return this.arena.i32(p, n).slice();
  }
  getU32(p: number, n: number): Uint32Array {
    return this.arena.u32(p, n).slice();
  }
}
