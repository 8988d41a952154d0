// Threads: a pool of workers (src/worker.js) that share each model's memory, and the kernels that split
// big jobs among them. Loaded only where threads are used: the Node entry imports it, the browser entry
// imports it dynamically when init() asks for threads, the Workers entry never.
//
// Fork-join over tasks. The main thread writes a job record into the model's memory (the layout is in
// assembly/tasks/tasks.ts), publishes it in a control block, runs tasks itself, and waits until every
// task is done. Tasks are claimed one at a time from a counter, so a slow or missing worker only means
// that the others take more. The split comes from the shapes alone (never from the thread count), and
// every output element is computed by one task exactly as the single-threaded kernel computes it: the
// bits are the same for any number of threads.
import "./api.js"; // so that in the browser build the code this lazy module shares with the entry is one startup chunk
import type { Engine, EngineThreads } from "./engine.js";
import type { Kernels } from "./kernels.js";
import { Act } from "./kernels.js";
import { workerThreads } from "./threads.js";

/** Word indices of the control block (sent to the workers, so that they are defined here only). */
const L = {
  SEQ: 0, // even: a job is published; odd: the main thread is writing the next one
  ACTIVE: 1, // workers inside the current job
  NEXT: 2, // next task to claim
  DONE: 3, // tasks finished
  NTASKS: 4,
  MODEL: 5, // which model's instance runs the tasks
  REC: 6, // the job record's address in that model's memory
  WORK: 7, // workspace of slot 0; slot s has WORK + s * STRIDE
  STRIDE: 8,
  LIMIT: 9, // slots that take part (the model planned that many workspaces)
  SLEEPERS: 10, // workers in Atomics.wait
  FAILED: 11, // tasks that threw
  BY_WORKERS: 12, // tasks workers have run (a count for tests and benchmarks)
  MAIL: 16, // + slot - 1: messages posted to that worker
  SPIN_MS: 3, // a worker polls SEQ this long after its last job before it sleeps (from CLOCK_POLLS polls on)
  CLOCK_POLLS: 1 << 14, // a worker's wait reads the clock only from this many polls on (reading it allocates)
};
const STARTUP_MS = 20_000;
/**
 * A wait reads the clock (for the stall check) only from this many spins on, a millisecond or more:
 * the waits of a training step are far shorter and never read it, for reading it allocates (Node's
 * performance.now() builds an array for process.hrtime, and returns a boxed double).
 */
const CLOCK_SPINS = 1 << 20;
/**
 * A job the calling thread waits on this long for a worker (one that claimed a task, or is still leaving
 * the last job) is reported as an error instead of spinning forever: a runtime that suspends a worker in
 * the middle of a job (or a bug) must not hang the process. No task takes near this long.
 */
export const STALL_MS = 60_000;
/** The most threads a pool runs (main thread included). */
export const MAX_THREADS = 64;

// Job kinds (assembly/tasks/tasks.ts).
const GEMM = 1, BIAS_GRAD = 2, SGD = 3, MOMENTUM = 4, ADAM = 5, RMSPROP = 6, ADAGRAD = 7;

/** The cost of one task (publishing, claiming, joining) in flops of work: about 2 us at 50 GFLOP/s. */
export const TILE_FLOPS = 1 << 17;
export const MAX_TILES = 16;
/** Elementwise updates go parallel in chunks of this many floats, from two chunks up. */
export const CHUNK = 1 << 14;

interface WorkerLike {
  postMessage(msg: unknown): void;
  terminate(): unknown;
}

/** The pool made last (tests in pages read its counts through this module). */
export let currentPool: Pool | undefined;

export class Pool {
  readonly ctrl = new Int32Array(new SharedArrayBuffer(4 * (L.MAIL + MAX_THREADS)));
  private readonly workers: (WorkerLike | undefined)[] = [];
  /** Threads in use, the calling thread included. */
  active = 1;
  /** @internal How long run() waits on a worker before it throws (tests shorten it). */
  stallMs = STALL_MS;
  private readonly models = new Map<number, WebAssembly.Memory>();
  private nextId = 1;
  private readonly starting = new Map<number, (ok: boolean) => void>();
  /** The start of the current wait (stalled). */
  private readonly clock = new Float64Array(1);
  private readonly finalizer = new FinalizationRegistry<number>((id) => this.detach(id));

  constructor(
    readonly module: WebAssembly.Module,
    private readonly warn: (reason: string) => void,
    private readonly workerUrl = new URL("./worker.js", import.meta.url),
  ) {
    currentPool = this;
    // The stall check's clock path, for V8's feedback (spinUntil): no wait of a quiet machine reaches it.
    // V8 allocates a function's feedback vector after it has run about 8 times its own size of bytecode.
    for (let i = 0; i < 32; i++) this.stalled(CLOCK_SPINS + (i & 1) * 0x10000);
  }

  /** Workspace slots a model plans: one per thread the pool has run (the calling thread is slot 0). */
  get size(): number {
    return this.workers.length + 1;
  }

  /** Threads in use: the calling thread and the workers that have not failed, up to the count asked. */
  get threads(): number {
    let t = 1;
    for (let i = 0; i < this.active - 1 && i < this.workers.length; i++) if (this.workers[i]) t++;
    return t;
  }

  /**
   * Uses `n` threads (the calling thread and n - 1 workers), starting workers where there are too few.
   * Resolves when the new workers are up; a worker that fails to start is reported and left out.
   */
  resize(n: number): Promise<void> {
    // Fewer threads: the extra workers stay, idle (jobs exclude their slots, and they sleep). Stopping
    // them is no saving worth its risks: terminate() can land while a worker is counted in ACTIVE (the
    // next job would wait forever), and a slot reused while its old worker still runs would share a
    // workspace with it.
    const started: Promise<boolean>[] = [];
    for (let slot = this.workers.length + 1; slot < n; slot++) started.push(this.spawn(slot));
    this.active = n;
    return Promise.all(started).then(() => undefined);
  }

  private spawn(slot: number): Promise<boolean> {
    const url = this.workerUrl;
    const wt = workerThreads();
    let w: WorkerLike;
    // A worker that neither starts nor fails (a script that never loads) must not hang init(): after
    // STARTUP_MS it is reported, and it still takes tasks if it comes up later.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ready = new Promise<boolean>((resolve) => {
      this.starting.set(slot, (ok) => {
        clearTimeout(timer);
        resolve(ok);
      });
      timer = setTimeout(() => {
        this.starting.get(slot)?.(false);
        this.starting.delete(slot);
        this.warn(`worker thread ${slot} did not start within ${STARTUP_MS / 1000} s; its share runs on the other threads until it does`);
      }, STARTUP_MS);
      (timer as { unref?: () => void }).unref?.();
    });
    const fail = (why: unknown) => {
      if (this.workers[slot - 1] === w) this.workers[slot - 1] = undefined;
      this.starting.get(slot)?.(false);
      this.starting.delete(slot);
      this.warn(`worker thread ${slot} failed (${(why as Error)?.message ?? why}); its share runs on the other threads`);
    };
    const onMessage = (msg: { type?: string }) => {
      if (msg?.type === "ready") {
        this.starting.get(slot)?.(true);
        this.starting.delete(slot);
      }
    };
    try {
      if (wt) {
        // No inherited flags: the worker script needs none, and some (`node --input-type=module -e`) make it refuse to start.
        const nw = new wt.Worker(url, { execArgv: [] });
        nw.on("message", onMessage);
        nw.on("error", fail);
        // Referenced until it is up (init() awaits that), then not: idle workers do not keep a finished process alive.
        void ready.then(() => nw.unref());
        w = nw;
      } else {
        const bw = new Worker(url, { type: "module", name: `myelin-${slot}` });
        bw.onmessage = (e) => onMessage(e.data);
        bw.onerror = (e) => {
          e.preventDefault?.();
          fail(e.message || "the worker script could not be loaded");
        };
        w = bw;
      }
    } catch (e) {
      fail(e);
      return ready;
    }
    this.workers[slot - 1] = w;
    this.post(slot, { type: "start", ctrl: this.ctrl.buffer, layout: L, slot, module: this.module });
    for (const [id, memory] of this.models) this.post(slot, { type: "attach", id, memory });
    return ready;
  }

  private post(slot: number, msg: unknown): void {
    const w = this.workers[slot - 1];
    if (!w) return;
    w.postMessage(msg);
    Atomics.add(this.ctrl, L.MAIL + slot - 1, 1);
    Atomics.notify(this.ctrl, L.SEQ);
  }

  /** Gives every worker an instance on this memory; returns the model's id for run(). */
  attach(owner: object, memory: WebAssembly.Memory): number {
    const id = this.nextId++;
    this.models.set(id, memory);
    for (let slot = 1; slot <= this.workers.length; slot++) this.post(slot, { type: "attach", id, memory });
    this.finalizer.register(owner, id, owner);
    return id;
  }

  /** Drops the workers' instances on a model's memory (model.dispose, or the model was collected). */
  detach(id: number, owner?: object): void {
    if (!this.models.delete(id)) return;
    if (owner) this.finalizer.unregister(owner);
    for (let slot = 1; slot <= this.workers.length; slot++) this.post(slot, { type: "detach", id });
  }

  /** Runs tasks 0 .. n-1 of the job recorded at `rec` on every thread, this one included, and waits. */
  run(k: Kernels, id: number, rec: number, n: number, work: number, stride: number, slots: number): void {
    const c = this.ctrl;
    const s = Atomics.load(c, L.SEQ);
    Atomics.store(c, L.SEQ, s + 1); // closed: no worker enters while the job is rewritten
    // Workers still leaving the last job (they only touch c). Indexed loops and no closures: a job allocates nothing.
    if (!this.spinUntil(L.ACTIVE, 0)) {
      Atomics.store(c, L.SEQ, s); // reopened as it was (an even SEQ every worker has seen): the next run() starts clean
      this.stallError(0);
    }
    c[L.NTASKS] = n;
    c[L.MODEL] = id;
    c[L.REC] = rec;
    c[L.WORK] = work;
    c[L.STRIDE] = stride;
    c[L.LIMIT] = Math.min(slots, this.active);
    c[L.FAILED] = 0;
    Atomics.store(c, L.NEXT, 0);
    Atomics.store(c, L.DONE, 0);
    Atomics.store(c, L.SEQ, s + 2); // published
    if (Atomics.load(c, L.SLEEPERS) > 0) Atomics.notify(c, L.SEQ);
    for (let t = Atomics.add(c, L.NEXT, 1); t < n; t = Atomics.add(c, L.NEXT, 1)) {
      k.run_task(rec, t, work);
      Atomics.add(c, L.DONE, 1);
    }
    // The last tasks, on other threads (never Atomics.wait: browsers' main threads cannot).
    if (!this.spinUntil(L.DONE, n)) this.stallError(n);
    if (c[L.FAILED] !== 0) throw new Error(`myelin: ${c[L.FAILED]} task(s) failed on a worker thread`);
  }

  /**
   * Spins until ctrl[i] is `target` (ACTIVE falls to 0; DONE rises to the job's task count): true, or
   * false once the wait has lasted stallMs. Both waits of a job run this one loop and every spin calls the
   * stall check, so that the short waits of every training give V8 feedback for all of it: optimized code
   * that meets code it has no feedback for deoptimizes, and the first long wait (a worker descheduled on
   * a loaded machine) would throw away the optimized training step around it, which then allocates until
   * TurboFan compiles it again.
   */
  private spinUntil(i: number, target: number): boolean {
    const c = this.ctrl;
    for (let spins = 1; Atomics.load(c, i) !== target; spins++) if (this.stalled(spins)) return false;
    return true;
  }

  /**
   * The stall check of a wait's spin: from CLOCK_SPINS spins on, every 65,536 spins (some 50 us), reads
   * the clock, which allocates (the wait's start goes to `clock`, a Float64Array: a double kept in a local
   * or returned could be boxed too); true once the wait has lasted stallMs.
   */
  private stalled(spins: number): boolean {
    if ((spins & 0xffff) !== 0 || spins < CLOCK_SPINS) return false;
    const now = performance.now();
    if (spins === CLOCK_SPINS) {
      this.clock[0] = now;
      return false;
    }
    return now - this.clock[0] > this.stallMs;
  }

  /** n: the job's tasks (0: the wait for workers leaving the last job). */
  private stallError(n: number): never {
    const what = n ? `running ${n - Atomics.load(this.ctrl, L.DONE)} of a job's ${n} tasks` : "still leaving the last job";
    throw new Error(`myelin: a worker thread has been ${what} for over ${this.stallMs / 1000} s; the thread pool stopped here instead of waiting forever (a runtime that suspends a worker mid-job?)`);
  }

  /** Models whose memory the workers hold an instance on. */
  get attached(): number {
    return this.models.size;
  }

  /** Tasks the workers (not the calling thread) have run so far. */
  get workerTasks(): number {
    return Atomics.load(this.ctrl, L.BY_WORKERS);
  }

  /** Stops every worker. */
  close(): void {
    while (this.workers.length) this.workers.pop()?.terminate();
    this.active = 1;
  }
}

/**
 * The tile grid of a GEMM with an M x N output and reduction K, from the shape alone: tiles of `mb` rows
 * (a multiple of 4, the micro-kernel's rows) by `nb` columns (a multiple of 8). Returns the number of
 * tiles (1: run on the calling thread) and writes [mb, nb, tiles per row of tiles] into `out`.
 * It picks the grid that would finish first on reference machines of 2 and of 4 threads (their times
 * added): more tiles share the work, smaller tiles run slower (they pack their operands again and run
 * shorter loops; `tileSpeed`), and each tile costs a fixed TILE_FLOPS of dispatch. The thread count
 * actually in use plays no part, so the split, like the bits, is the same for every count.
 */
export function gemmGrid(m: number, n: number, k: number, out: Int32Array, tileFlops = TILE_FLOPS): number {
  const flops = 2 * m * n * k;
  if (flops < 4 * tileFlops) return 1; // about 10 us of work: less is not worth a fork-join
  let best = flops / (tileSpeed(m) * tileSpeed(n, true)) * 2 + 2 * tileFlops; // one tile on the calling thread
  let count = 1;
  for (let q = 1; q <= MAX_TILES; q++) {
    const mb = Math.ceil(Math.ceil(m / q) / 4) * 4;
    const rows = Math.ceil(m / mb);
    if (rows < q) break;
    for (let p = 1; p * q <= MAX_TILES; p++) {
      const nb = Math.ceil(Math.ceil(n / p) / 8) * 8;
      const cols = Math.ceil(n / nb);
      if (cols < p) break;
      const tiles = rows * cols;
      if (tiles < 2) continue;
      const tile = (2 * mb * nb * k) / (tileSpeed(mb) * tileSpeed(nb, true)) + tileFlops;
      const cost = (Math.ceil(tiles / 2) + Math.ceil(tiles / 4)) * tile;
      if (cost < best) {
        best = cost;
        count = tiles;
        out[0] = mb;
        out[1] = nb;
        out[2] = cols;
      }
    }
  }
  return count;
}

/**
 * Relative speed of the 4x8 kernel on a tile of `size` rows (or columns): measured on AMD Zen 4 (one
 * thread, 128x128x784 and the MLP's backward shapes), rows 4 / 8 / 16 / 32 / 64 ran at 0.63 / 0.79 /
 * 0.89 / 0.96 / 0.98 of an untiled GEMM, columns 8-16 / 32 / 64 / 128 at 0.79 / 0.91 / 0.94 / 0.96
 * (below 24 columns A is not packed).
 */
function tileSpeed(size: number, columns = false): number {
  if (columns) return size < 24 ? 0.79 : 1 - 3 / size;
  return 1 - 1.5 / size;
}

/** Work sizes of the split (tests make them tiny, so that small shapes cut into many ragged tasks). */
export interface Tuning {
  tileFlops: number;
  chunk: number;
}
const DEFAULT_TUNING: Tuning = { tileFlops: TILE_FLOPS, chunk: CHUNK };

/**
 * The parallel form of an engine's kernels: the GEMMs, the bias gradient and the optimizer updates split
 * big calls into tasks; everything else (and every small call) goes straight to the wasm exports.
 */
export function parallelKernels(pool: Pool, engine: Engine, owner: object, tuning: Tuning = DEFAULT_TUNING): { kernels: Kernels; threads: EngineThreads } {
  const { tileFlops, chunk } = tuning;
  const raw = engine.kernels;
  const memory = engine.memory;
  // The workers get an instance on this memory at the first job: a model whose work never splits (most
  // small ones) never ties its memory to them, and is collected like any other.
  let id = 0;
  const attached = () => (id ||= pool.attach(owner, memory));
  let rec = 0, work = 0, stride = 0, slots = 1;
  let buffer = memory.buffer;
  let i32 = new Int32Array(buffer);
  let f32 = new Float32Array(buffer);
  const grid = new Int32Array(3);

  // The record's words, written through views re-made only after the memory grew.
  const words = (): number => {
    if (buffer !== memory.buffer) {
      buffer = memory.buffer;
      i32 = new Int32Array(buffer);
      f32 = new Float32Array(buffer);
    }
    return rec >>> 2;
  };
  const parallel = () => rec !== 0 && slots > 1 && pool.active > 1;

  function gemm(m: number, n: number, k: number, a: number, ars: number, aks: number, b: number, bT: number, ldb: number, c: number, acc: number, bias: number, act: number, alpha: number): boolean {
    if (!parallel() || m <= 0 || n <= 0) return false;
    const tiles = gemmGrid(m, n, Math.max(k, 0), grid, tileFlops);
    if (tiles < 2) return false;
    const r = words();
    i32[r] = GEMM;
    i32[r + 1] = m; i32[r + 2] = n; i32[r + 3] = k;
    i32[r + 4] = a; i32[r + 5] = ars; i32[r + 6] = aks;
    i32[r + 7] = b; i32[r + 8] = bT; i32[r + 9] = ldb;
    i32[r + 10] = c; i32[r + 11] = n; i32[r + 12] = acc; i32[r + 13] = bias;
    // Softmax needs whole rows: tiles that span them apply it themselves, else it runs after the join.
    const rowsWhole = grid[2] === 1;
    i32[r + 14] = act === Act.softmax && !rowsWhole ? Act.linear : act;
    f32[r + 15] = alpha;
    i32[r + 16] = grid[0]; i32[r + 17] = grid[1]; i32[r + 18] = grid[2];
    pool.run(raw, attached(), rec, tiles, work, stride, slots);
    if (act === Act.softmax && !rowsWhole) raw.softmax_forward(c, c, m, n);
    return true;
  }

  // An elementwise update over n floats in chunks: pointers p (0 = unused), scalars f, flags g.
  function chunked(kind: number, n: number, p0: number, p1: number, p2: number, p3: number, p4: number,
    f0: number, f1: number, f2: number, f3: number, f4: number, f5: number, f6: number, f7: number, g0: number, g1: number): boolean {
    if (!parallel() || n < 2 * chunk) return false;
    const r = words();
    i32[r] = kind;
    i32[r + 1] = n; i32[r + 2] = chunk;
    i32[r + 3] = p0; i32[r + 4] = p1; i32[r + 5] = p2; i32[r + 6] = p3; i32[r + 7] = p4;
    f32[r + 8] = f0; f32[r + 9] = f1; f32[r + 10] = f2; f32[r + 11] = f3;
    f32[r + 12] = f4; f32[r + 13] = f5; f32[r + 14] = f6; f32[r + 15] = f7;
    i32[r + 16] = g0; i32[r + 17] = g1;
    pool.run(raw, attached(), rec, Math.ceil(n / chunk), work, stride, slots);
    return true;
  }

  const k: Kernels = { ...raw }; // the exports object is frozen: copy it, then replace the hot kernels
  k.gemm_nn = (m, n, kk, x, w, y, acc, bias, act, alpha, wk) => {
    if (!gemm(m, n, kk, x, kk * 4, 4, w, 0, n, y, acc, bias, act, alpha)) raw.gemm_nn(m, n, kk, x, w, y, acc, bias, act, alpha, wk);
  };
  k.gemm_tn = (m, n, kk, x, dy, dw, acc, wk) => {
    if (!gemm(m, n, kk, x, 4, m * 4, dy, 0, n, dw, acc, 0, Act.linear, 0)) raw.gemm_tn(m, n, kk, x, dy, dw, acc, wk);
  };
  k.gemm_nt = (m, n, kk, dy, w, dx, acc, wk) => {
    if (!gemm(m, n, kk, dy, kk * 4, 4, w, 1, kk, dx, acc, 0, Act.linear, 0)) raw.gemm_nt(m, n, kk, dy, w, dx, acc, wk);
  };
  k.bias_grad = (m, n, dy, db, acc) => {
    // Column blocks of at least 16 floats: each column is summed over the rows in order, as serially.
    if (!parallel() || m * n < 4 * chunk || n < 32) return raw.bias_grad(m, n, dy, db, acc);
    const nb = Math.max(16, Math.ceil(n / 8 / 4) * 4);
    const r = words();
    i32[r] = BIAS_GRAD;
    i32[r + 1] = m; i32[r + 2] = n; i32[r + 3] = dy; i32[r + 4] = db; i32[r + 5] = acc; i32[r + 17] = nb;
    pool.run(raw, attached(), rec, Math.ceil(n / nb), work, stride, slots);
  };
  k.opt_sgd = (w, g, n, lr) => {
    if (!chunked(SGD, n, w, g, 0, 0, 0, lr, 0, 0, 0, 0, 0, 0, 0, 0, 0)) raw.opt_sgd(w, g, n, lr);
  };
  k.opt_momentum = (w, g, v, n, lr, mu, nesterov) => {
    if (!chunked(MOMENTUM, n, w, g, v, 0, 0, lr, mu, 0, 0, 0, 0, 0, 0, nesterov, 0)) raw.opt_momentum(w, g, v, n, lr, mu, nesterov);
  };
  k.opt_adam = (w, g, m, v, n, a, b1, omb1, b2, omb2, eps, c, decay) => {
    if (!chunked(ADAM, n, w, g, m, v, 0, a, b1, omb1, b2, omb2, eps, c, decay, 0, 0)) raw.opt_adam(w, g, m, v, n, a, b1, omb1, b2, omb2, eps, c, decay);
  };
  k.opt_rmsprop = (w, g, ms, mg, mom, n, lr, rho, omrho, eps, mu, centered, epsInside) => {
    if (!chunked(RMSPROP, n, w, g, ms, mg, mom, lr, rho, omrho, eps, mu, 0, 0, 0, centered, epsInside)) raw.opt_rmsprop(w, g, ms, mg, mom, n, lr, rho, omrho, eps, mu, centered, epsInside);
  };
  k.opt_adagrad = (w, g, acc, n, lr, eps, epsInside) => {
    if (!chunked(ADAGRAD, n, w, g, acc, 0, 0, lr, eps, 0, 0, 0, 0, 0, 0, epsInside, 0)) raw.opt_adagrad(w, g, acc, n, lr, eps, epsInside);
  };

  const threads: EngineThreads = {
    get slots() {
      return pool.size;
    },
    setBuffers(record: number, workspace: number, workStride: number, workSlots: number) {
      rec = record;
      work = workspace;
      stride = workStride;
      slots = workSlots;
    },
    dispose() {
      rec = 0;
      if (id) pool.detach(id, owner);
    },
  };
  return { kernels: k, threads };
}
