// A bump arena (buffers 64-byte aligned) over an engine's memory. Buffers are planned once (model build, batch size
// change); nothing is allocated per step. memory.grow detaches old views, so views are made per use.
import type { Engine } from "./engine.js";
import { ValueError } from "./errors.js";
import { MAX_MEMORY } from "./limits.js";

const PAGE = 65536;

export class Arena {
  private top: number;

  constructor(private readonly engine: Engine) {
    this.top = align16(engine.heapBase);
  }

  /** Reserves `bytes` (16-byte aligned) and returns the byte offset; grows the memory if needed. */
  alloc(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`Arena.alloc: bytes must be a non-negative integer, received ${bytes}`);
    const ptr = Math.ceil(this.top / 64) * 64; // buffers start on cache lines (weights rows stream whole lines)
    const end = align16(ptr + Math.max(bytes, 16)); // every buffer gets its own 16 bytes, even when empty
    const memory = this.engine.memory;
    if (end > memory.buffer.byteLength) {
      try {
        if (end > MAX_MEMORY) throw new RangeError("beyond the 4 GiB of a 32-bit wasm memory");
        memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
      } catch (e) {
        const mib = (b: number) => (b / 2 ** 20).toFixed(1);
        throw new ValueError(
          `myelin needs ${mib(end)} MiB of wasm memory and the runtime refused to grow it past ${mib(memory.buffer.byteLength)} MiB ` +
            `(${(e as Error).message}): use a smaller batchSize or model`,
        );
      }
    }
    this.top = end;
    return ptr;
  }

  /** The current top, to give back everything allocated after it with `release`. */
  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.engine.memory.buffer, ptr, length);
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.engine.memory.buffer, ptr, length);
  }

  u32(ptr: number, length: number): Uint32Array {
    return new Uint32Array(this.engine.memory.buffer, ptr, length);
  }
}

// Arithmetic, not bitwise: offsets reach past 2^31 in a large memory.
function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}
