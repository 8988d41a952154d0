// The execution core of a sequential model: it owns the wasm memory plan and runs one batch forward,
// through the loss, backward and through the optimizer. Every buffer is planned once per batch
// capacity; a step allocates nothing in JS or wasm (views over memory are re-derived only when the
// memory has grown, which only planning does).
import type { Engine } from "../engine.js";
import { Arena } from "../arena.js";
import type { Kernels } from "../kernels.js";
import { Act } from "../kernels.js";
import type { Layer, Param, Step } from "../layers/layer.js";
import { ELEMENTWISE, type Loss } from "../losses.js";
import { metricResult, stateSize, type Metric } from "../metrics.js";
import type { Optimizer } from "../optim/optimizer.js";
import { denseLabels, idsLabels, oneHotAsIds, type Labels, type Matrix } from "../data.js";
import { nextSeed, seedStream, STREAM } from "../initializers.js";

export interface Compiled {
  optimizer: Optimizer;
  loss: Loss;
  metrics: Metric[];
  /** The last layer's activation is folded into the loss (softmax + CE, sigmoid + BCE). */
  fused: boolean;
  /** Class-id labels must also be staged as one-hot rows (for mse/mae metrics or a loss that takes rows). */
  needsOneHot: boolean;
}

/** fit's sample weights, checked (src/model/weights.ts): per sample, and per class. */
export interface SampleWeights {
  /** One weight per sample. */
  sample?: Float32Array;
  /** One weight per class. */
  classes?: Float64Array;
}

/** Labels as a compiled model stages them: a categorical cross-entropy's one-hot rows as class ids (the same bits, one integer a sample). */
export function compactLabels(c: Compiled, l: Labels): Labels {
  return c.loss.kind === "cce" && !c.loss.labelSmoothing ? oneHotAsIds(l) : l;
}

/** Running sums of one pass (an epoch, an evaluation): loss weighted by rows, and each metric's state. */
export class Totals {
  /**
   * One object of each shape a fit makes and its steps are optimized for (totals, labels), kept as long
   * as the class. V8 keeps a map only while an object has it (the transitions to it are weak): once a
   * fit's totals and labels are garbage, a full GC frees their maps and V8 throws away the optimized step
   * code that checks for them, so the next fit, or the rest of this one when the GC runs during it,
   * starts over in the interpreter, boxing numbers, until TurboFan compiles the step again.
   */
  static readonly shapes: readonly object[] = [new Totals([], 1), idsLabels(new Int32Array(0), 0), denseLabels(new Float32Array(0), 0, 1)];
  /** [rows, loss * rows summed, last batch's loss]: typed-array slots, so no double is boxed per step. */
  readonly sums = new Float64Array(3);
  /** Each metric's running state (a sum, confusion counts, a histogram, R²'s sums). */
  readonly states: Float64Array[];
  constructor(readonly list: Metric[], units: number) {
    this.states = list.map((m) => new Float64Array(stateSize(m, units)));
  }
  get rows(): number {
    return this.sums[0];
  }
  get loss(): number {
    return this.sums[1];
  }
  get last(): number {
    return this.sums[2];
  }
  /** Metric i's value so far. */
  result(i: number): number {
    return metricResult(this.list[i], this.states[i], this.rows);
  }
  reset(): void {
    this.sums.fill(0);
    for (const s of this.states) s.fill(0);
  }
}

/** Rows at least this wide are copied through per-row views (TypedArray.set); narrower ones element by element. */
const VIEW_MIN_COLS = 128;
const viewCache = new WeakMap<Float32Array, { cols: number; views: Float32Array[] }>();

/**
 * One subarray view per row of a dataset of wide rows, made once and cached for as long as the data
 * lives (keyed by the array and its row width: the same array read with another shape gets its own).
 * A view costs about 104 bytes of JS heap, at most a fifth of the 512+ bytes of the row it shows.
 */
function rowViews(x: Matrix): Float32Array[] {
  const d = x.shape[1];
  let v = viewCache.get(x.data);
  if (!v || v.cols !== d) {
    v = { cols: d, views: Array.from({ length: x.shape[0] }, (_, r) => x.data.subarray(r * d, (r + 1) * d)) };
    viewCache.set(x.data, v);
  }
  return v.views;
}

/** Copies row `row` of `src` (d wide) to dst at `o`, eight elements at a time (faster than a view for narrow rows). */
function copyRow(src: Float32Array, row: number, d: number, dst: Float32Array, o: number): void {
  let s = row * d;
  const e = s + d;
  for (; s + 8 <= e; s += 8, o += 8) {
    dst[o] = src[s]; dst[o + 1] = src[s + 1]; dst[o + 2] = src[s + 2]; dst[o + 3] = src[s + 3];
    dst[o + 4] = src[s + 4]; dst[o + 5] = src[s + 5]; dst[o + 6] = src[s + 6]; dst[o + 7] = src[s + 7];
  }
  for (; s < e; s++, o++) dst[o] = src[s];
}

export class Runner {
  readonly k: Kernels;
  readonly arena: Arena;
  readonly params: Param[] = [];
  /** The params compile chose to train (trainable, in a trainable layer): they have gradients and slots. */
  trained: Param[] = [];
  /** The layers' `trainable` flags when compile chose `trained` (fit refuses to run on a stale choice). */
  trainedFlags = "";
  /** The first layer with a trained param: backward stops there. */
  private firstTrained = 0;
  private readonly step: Step;
  private stateMark = 0;
  private slotMark = 0;
  cap = 0; // planned batch capacity
  private x = 0;
  private d0 = 0;
  private d1 = 0;
  private yDense = 0;
  private ySmooth = 0;
  /** lossOf's result. */
  private readonly lossValue = new Float64Array(1);
  /** The staged batch's sample weights (fit's sampleWeight and classWeight), when it has them. */
  rowWeights = new Float64Array(0);
  private yIds = 0;
  private bounce: Float32Array | null = null; // a plain buffer for a batch of input rows (threads)
  private probs = 0;
  shuffleState = 0;
  private record = 0; // a parallel job's record (threads build)
  private slots = 0; // GEMM workspaces planned: one per thread
  private f32: Float32Array;
  private i32: Int32Array;
  private buffer: ArrayBuffer;

  constructor(
    readonly engine: Engine,
    readonly layers: Layer[],
  ) {
    this.k = engine.kernels;
    this.arena = new Arena(engine);
    this.step = { k: this.k, rows: 0, work: 0, training: false };
    this.buffer = engine.memory.buffer;
    this.f32 = new Float32Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }

  get inputDim(): number {
    return this.layers[0].inputDim;
  }

  /** The shape of one sample. */
  get inputShape(): number[] {
    return this.layers[0].inputShape;
  }

  get outputDim(): number {
    return this.layers[this.layers.length - 1].outputDim;
  }

  /** Allocates and initializes every parameter and the PRNG states. Once per model. */
  allocateParams(): void {
    const alloc = (floats: number) => this.arena.alloc(floats * 4);
    for (const layer of this.layers) {
      for (const p of layer.params) {
        p.value = alloc(p.size);
        this.params.push(p);
      }
      layer.allocState(alloc);
    }
    this.shuffleState = alloc(4);
    if (this.engine.threads) this.record = alloc(32);
    const st = alloc(4);
    for (const p of this.params) p.initializer.fill(this.k, st, p.value, p.size, p.fanIn, p.fanOut);
    for (const layer of this.layers) {
      layer.init((p, n, v) => (typeof v === "number" ? this.arena.f32(p, n).fill(v) : this.arena.f32(p, n).set(v)));
      layer.reseed(this.k);
    }
    seedStream(this.k, this.shuffleState, nextSeed(), STREAM.shuffle);
    this.stateMark = this.arena.mark();
    this.slotMark = this.stateMark;
  }

  /**
   * Chooses the params to train (trainable ones of trainable layers, as Keras's compile does) and
   * allocates their gradients and the optimizer's slots (drops any earlier plan, gradients and slots).
   */
  allocateSlots(opt: Optimizer): void {
    const trained = this.params.filter((p) => p.trainable && this.layers.some((l) => l.trainable && l.params.includes(p)));
    // Every buffer is placed before any is written: memory refused half-way leaves the old ones as they were.
    const top = this.arena.mark();
    this.arena.release(this.stateMark);
    let bufs: number[][];
    try {
      bufs = trained.map((p) => Array.from({ length: opt.slotCount + 1 }, () => this.arena.alloc(p.size * 4)));
    } catch (e) {
      this.arena.release(top);
      throw e;
    }
    this.cap = 0;
    for (const p of this.params) {
      p.grad = 0;
      p.slots = [];
    }
    trained.forEach((p, i) => {
      [p.grad, ...p.slots] = bufs[i];
      p.slots.forEach((ptr, s) => this.arena.f32(ptr, p.size).fill(opt.slotInit(s)));
    });
    this.trained = trained;
    this.trainedFlags = this.layers.map((l) => +l.trainable).join("");
    const first = this.layers.findIndex((l) => l.params.some((p) => p.grad));
    this.firstTrained = first < 0 ? this.layers.length : first; // nothing trained: no backward pass
    this.slotMark = this.arena.mark();
  }

  /** Plans every per-batch buffer for batches of up to `rows` samples. */
  plan(rows: number): void {
    const slots = this.engine.threads?.slots ?? 1;
    if (rows <= this.cap && slots === this.slots) return;
    this.cap = 0; // a plan that fails half-way (memory refused) must not be mistaken for a smaller one
    this.arena.release(this.slotMark);
    const alloc = (floats: number) => this.arena.alloc(floats * 4);
    const dims = this.layers.map((l) => l.outputDim);
    const maxDim = Math.max(this.inputDim, ...dims);
    this.x = alloc(rows * this.inputDim);
    let input = this.x;
    let work = 0;
    for (const layer of this.layers) {
      layer.input = input;
      layer.output = layer.passThrough ? input : alloc(rows * layer.outputDim);
      layer.plan(alloc, rows);
      input = layer.output;
      work = Math.max(work, layer.workBytes(this.k, rows));
    }
    this.d0 = alloc(rows * maxDim);
    this.d1 = alloc(rows * maxDim);
    this.yDense = alloc(rows * this.outputDim);
    this.ySmooth = alloc(rows * this.outputDim);
    this.rowWeights = new Float64Array(rows);
    this.yIds = alloc(rows);
    if (this.engine.threads) this.bounce = new Float32Array(rows * this.inputDim);
    this.probs = alloc(rows * this.outputDim);
    // One GEMM workspace per thread (with threads, each task packs its tiles' operands in its thread's).
    const stride = Math.ceil(work / 16) * 16;
    this.step.work = this.arena.alloc(stride * slots);
    this.engine.threads?.setBuffers(this.record, this.step.work, stride, slots);
    this.slots = slots;
    this.cap = rows;
    this.refreshViews();
  }

  private refreshViews(): void {
    if (this.buffer !== this.engine.memory.buffer) {
      this.buffer = this.engine.memory.buffer;
      this.f32 = new Float32Array(this.buffer);
      this.i32 = new Int32Array(this.buffer);
    }
  }

  /**
   * Copies rows (given by index, or a contiguous range from `start`) into the input staging area.
   * Wide rows: TypedArray.set from a per-row view, made once per dataset (rowViews); narrow rows: an
   * element loop (faster there, and no view per row). A step allocates nothing.
   */
  stageX(x: Matrix, order: Int32Array | null, start: number, rows: number): void {
    this.refreshViews();
    const d = x.shape[1];
    const dst = this.f32;
    let o = this.x >>> 2;
    if (!order) {
      // Consecutive rows (predict, evaluate): one copy, of the whole array when it is one batch.
      dst.set(start === 0 && rows * d === x.data.length ? x.data : x.data.subarray(start * d, (start + rows) * d), o);
      return;
    }
    const bounce = this.bounce;
    if (d < VIEW_MIN_COLS) {
      // Narrow rows: element copies (into the plain buffer first with threads, as below).
      const to = bounce ?? dst;
      let b = bounce ? 0 : o;
      for (let r = 0; r < rows; r++, b += d) copyRow(x.data, order[start + r], d, to, b);
      if (bounce) dst.set(rows * d === bounce.length ? bounce : bounce.subarray(0, rows * d), o);
      return;
    }
    const views = rowViews(x);
    if (bounce) {
      // Shared memory (threads): V8 copies into it word by word, 1.5x slower from scattered rows; the
      // rows go to a plain buffer first (memcpy), then in one contiguous copy.
      let b = 0;
      for (let r = 0; r < rows; r++) {
        bounce.set(views[order[start + r]], b);
        b += d;
      }
      dst.set(rows * d === bounce.length ? bounce : bounce.subarray(0, rows * d), o);
      return;
    }
    for (let r = 0; r < rows; r++) {
      dst.set(views[order[start + r]], o);
      o += d;
    }
  }

  stageY(y: Labels, order: Int32Array | null, start: number, rows: number, oneHot: boolean): void {
    const yIds = this.yIds, yDense = this.yDense;
    this.refreshViews();
    const f = this.f32;
    if (y.kind === "ids") {
      const ids = this.i32;
      const base = yIds >>> 2;
      for (let r = 0; r < rows; r++) ids[base + r] = y.data[order ? order[start + r] : start + r];
      if (oneHot) {
        const c = this.outputDim;
        const o = yDense >>> 2;
        f.fill(0, o, o + rows * c);
        for (let r = 0; r < rows; r++) f[o + r * c + ids[base + r]] = 1;
      }
    } else {
      const c = y.cols;
      const data = y.data;
      let o = yDense >>> 2;
      for (let r = 0; r < rows; r++) {
        let s = (order ? order[start + r] : start + r) * c;
        for (let j = 0; j < c; j++) f[o++] = data[s++];
      }
    }
  }

  /**
   * Stages the batch's sample weights (rows given by index, or from `start`): each row's sample weight
   * times its class's (the class id, the one-hot row's argmax, or a single output's 0/1 label).
   */
  stageWeights(ws: SampleWeights, y: Labels, order: Int32Array | null, start: number, rows: number): void {
    const dst = this.rowWeights, sample = ws.sample, classes = ws.classes;
    for (let r = 0; r < rows; r++) {
      const i = order ? order[start + r] : start + r;
      let w = sample ? sample[i] : 1;
      if (classes) {
        let c = 0;
        if (y.kind === "ids") c = y.data[i];
        else if (y.cols === 1) c = y.data[i];
        else for (let j = 1, o = i * y.cols; j < y.cols; j++) if (y.data[o + j] > y.data[o + c]) c = j;
        w *= classes[c];
      }
      dst[r] = Math.fround(w); // a float32 weight, as Keras's (and a sample weight given as that product)
    }
  }

  /** Index of the first NaN or ±Infinity in the staged input rows, or -1. */
  firstNonFinite(rows: number): number {
    return this.k.first_nonfinite(this.x, rows * this.inputDim);
  }

  forward(rows: number, training: boolean): void {
    const s = this.step;
    s.rows = rows;
    s.training = training;
    const ls = this.layers;
    for (let l = 0; l < ls.length; l++) ls[l].forward(s);
  }

  /** Label smoothing (Keras's): the staged rows moved toward uniform, into their own buffer (the metrics read the originals). */
  private smooth(L: Loss, n: number): number {
    this.refreshViews();
    const f = this.f32, s = L.labelSmoothing;
    const add = L.kind === "bce" ? s / 2 : s / this.outputDim;
    for (let i = this.yDense >>> 2, o = this.ySmooth >>> 2, e = i + n; i < e; i++, o++) f[o] = f[i] * (1 - s) + add;
    return this.ySmooth;
  }

  /** Pointer to the model's outputs for the last forward (probabilities when the loss was fused). */
  outputPtr(fusedTraining: boolean): number {
    return fusedTraining ? this.probs : this.layers[this.layers.length - 1].output;
  }

  /**
   * Loss of the staged batch after forward(), into t.sums[2]; writes dLoss/dOutput to d0 when `grad`.
   * Adds the regularization penalty (Keras adds it to the reported loss too).
   */
  loss(c: Compiled, y: Labels, rows: number, grad: boolean, training: boolean, t: Totals, weighted = false): void {
    const k = this.k;
    const out = this.layers[this.layers.length - 1].output;
    const units = this.outputDim;
    const g = grad ? this.d0 : 0;
    const L = c.loss;
    // From logits: the loss applies the sigmoid or softmax (fused in training, or fromLogits always).
    const logits = (c.fused && training) || L.fromLogits;
    let yd = this.yDense;
    if (L.labelSmoothing > 0 && (y.kind === "dense" || c.needsOneHot)) yd = this.smooth(L, rows * units);
    let loss: number;
    const r = this.lossValue;
    if (!weighted) {
      this.lossOf(L, logits, y.kind === "ids" && yd === this.yDense, out, yd, this.yIds, this.probs, g, rows, L.delta);
      loss = r[0];
    } else {
      // Keras's sample weights: sum_r w_r loss_r / rows. Each row through the same kernel, its gradient
      // (the kernel's for one row) scaled by w_r / rows.
      loss = 0;
      const w = this.rowWeights, ids = y.kind === "ids" && yd === this.yDense;
      // Hinge losses convert 0/1 labels when the whole batch is 0/1 (Keras): decided here, not per row.
      const param = (L.kind === "hinge" || L.kind === "squaredHinge") ? k.labels_binary(yd, rows * units) : L.delta;
      for (let i = 0; i < rows; i++) {
        const o = 4 * i * units;
        this.lossOf(L, logits, ids, out + o, yd + o, this.yIds + 4 * i, this.probs + o, g && g + o, 1, param);
        loss += w[i] * r[0];
        if (g) k.scale(g + o, units, w[i] / rows);
      }
      loss /= rows;
    }
    const ps = this.trained; // frozen weights are not regularized (they do not move)
    for (let i = 0; i < ps.length; i++) {
      const r = ps[i].regularizer;
      if (r) loss += k.reg_penalty(ps[i].value, ps[i].size, r.l1, r.l2);
    }
    t.sums[2] = loss;
  }

  /**
   * One loss kernel on `rows` rows: the kernels' mean into lossValue[0] (a slot, not a return value: a
   * double returned from a JS call can be boxed, an allocation per call); the gradient, when g, scaled by
   * 1 / their count.
   */
  private lossOf(L: Loss, logits: boolean, sparse: boolean, out: number, yd: number, ids: number, probs: number, g: number, rows: number, param: number): void {
    const k = this.k;
    const units = this.outputDim;
    let loss: number;
    switch (L.kind) {
      case "mse":
        loss = k.loss_mse(out, yd, g, rows, units);
        break;
      case "bce":
        loss = logits ? k.loss_bce_logits(out, yd, probs, g, rows, units) : k.loss_bce(out, yd, g, rows, units);
        break;
      case "cce":
      case "scce":
        if (sparse) loss = logits ? k.loss_sparse_softmax_cce(out, ids, probs, g, rows, units) : k.loss_sparse_cce(out, ids, g, rows, units);
        else loss = logits ? k.loss_softmax_cce(out, yd, probs, g, rows, units) : k.loss_cce(out, yd, g, rows, units);
        break;
      case "categoricalHinge":
        loss = k.loss_cat_hinge(out, yd, g, rows, units);
        break;
      default:
        // Keras averages these over every element, but sums Kullback-Leibler over each row's outputs.
        loss = k.loss_elem(ELEMENTWISE[L.kind]!, out, yd, g, rows * units, L.kind === "kld" ? rows : rows * units, param);
    }
    this.lossValue[0] = loss;
  }

  /** Adds this batch to `t`'s loss and metric states (after forward and loss). */
  accumulate(c: Compiled, y: Labels, rows: number, t: Totals, training: boolean): void {
    const k = this.k;
    const out = this.outputPtr(c.fused && training);
    const units = this.outputDim;
    const n = rows * units;
    t.sums[0] += rows;
    t.sums[1] += t.sums[2] * rows;
    for (let i = 0; i < t.list.length; i++) {
      const m = t.list[i], s = t.states[i];
      switch (m.kind) {
        case "acc":
          // Keras's "accuracy": binary for binary cross-entropy or one output (threshold 0.5; 0 on logits)
          if (c.loss.kind === "bce" || units === 1) s[0] += k.count_correct_binary(out, this.yDense, n, c.loss.fromLogits ? 0 : 0.5) / units;
          else s[0] += this.countCorrect(out, y, rows);
          break;
        case "categoricalAccuracy":
          s[0] += this.countCorrect(out, y, rows);
          break;
        case "binaryAccuracy":
          s[0] += k.count_correct_binary(out, this.yDense, n, m.threshold) / units;
          break;
        case "mse":
        case "rmse":
          s[0] += k.sum_sq_diff(out, this.yDense, n) / units;
          break;
        case "mae":
          s[0] += k.sum_abs_diff(out, this.yDense, n) / units;
          break;
        default:
          this.streamMetric(m, s, out, y, rows);
      }
    }
  }

  private countCorrect(out: number, y: Labels, rows: number): number {
    return y.kind === "ids" ? this.k.count_correct_sparse(out, this.yIds, rows, this.outputDim) : this.k.count_correct_onehot(out, this.yDense, rows, this.outputDim);
  }

  /** The metrics streamed in JS over the staged batch: confusion counts, AUC's histogram, top-k, R², MAPE. */
  private streamMetric(m: Metric, s: Float64Array, out: number, y: Labels, rows: number): void {
    this.refreshViews();
    const f = this.f32, u = this.outputDim, n = rows * u;
    const p0 = out >>> 2, y0 = this.yDense >>> 2;
    if (m.kind === "topK") {
      for (let r = 0; r < rows; r++) {
        const o = p0 + r * u;
        let label = 0;
        if (y.kind === "ids") label = this.i32[(this.yIds >>> 2) + r];
        else for (let j = 1; j < u; j++) if (f[y0 + r * u + j] > f[y0 + r * u + label]) label = j;
        let above = 0; // classes predicted strictly higher than the true one: ties are in the top k
        for (let j = 0; j < u; j++) if (f[o + j] > f[o + label]) above++;
        if (above < m.k) s[0]++;
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      const p = f[p0 + i], t = f[y0 + i];
      if (m.kind === "precision") {
        if (p > m.threshold) s[t !== 0 ? 0 : 1]++;
      } else if (m.kind === "recall") {
        if (t !== 0) s[p > m.threshold ? 0 : 1]++;
      } else if (m.kind === "auc") {
        const th = m.thresholds!;
        let lo = 0, hi = th.length; // b = the number of thresholds strictly below p
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (p > th[mid]) lo = mid + 1;
          else hi = mid;
        }
        s[(t !== 0 ? 0 : th.length + 1) + lo]++;
      } else if (m.kind === "r2") {
        const j = i % u;
        s[j] += t;
        s[u + j] += t * t;
        s[2 * u + j] += (t - p) * (t - p);
      } else {
        s[0] += (100 * Math.abs(t - p)) / Math.max(Math.abs(t), Math.fround(1e-7)) / u; // mape
      }
    }
  }

  /**
   * Gradients of the last forward's loss (and the regularizers') into every trained parameter's grad:
   * backward from the loss gradient in d0, down to the first layer with a trained parameter.
   */
  backward(rows: number): void {
    const s = this.step;
    s.rows = rows;
    s.training = true;
    let dy = this.d0;
    for (let l = this.layers.length - 1; l >= this.firstTrained; l--) {
      const dx = l > this.firstTrained ? (dy === this.d0 ? this.d1 : this.d0) : 0;
      const r = this.layers[l].backward(s, dy, dx);
      if (r) dy = r;
    }
    const k = this.k;
    const ps = this.trained;
    for (let i = 0; i < ps.length; i++) {
      const r = ps[i].regularizer;
      if (r) k.reg_grad(ps[i].value, ps[i].grad, ps[i].size, r.l1, r.l2);
    }
  }

  /** Whether every gradient is finite (a pass over them: only when a fit guards against divergence). */
  gradientsFinite(): boolean {
    const ps = this.trained;
    for (let i = 0; i < ps.length; i++) if (this.k.first_nonfinite(ps[i].grad, ps[i].size) >= 0) return false;
    return true;
  }

  /** The optimizer's step from the gradients. */
  update(c: Compiled): void {
    c.optimizer.applyGradients(this.k, this.trained);
  }

  /** A JS-owned copy of the last forward's outputs for `rows` rows, written into `dst` at `offset`. */
  copyOutputs(dst: Float32Array, offset: number, rows: number): void {
    this.refreshViews();
    const p = this.layers[this.layers.length - 1].output >>> 2;
    dst.set(this.f32.subarray(p, p + rows * this.outputDim), offset);
  }

  /** A copy of parameter values (for getWeights, snapshots). */
  readParam(p: Param, dst?: Float32Array): Float32Array {
    this.refreshViews();
    const out = dst ?? new Float32Array(p.size);
    out.set(this.f32.subarray(p.value >>> 2, (p.value >>> 2) + p.size));
    return out;
  }

  writeParam(p: Param, src: ArrayLike<number>): void {
    this.refreshViews();
    this.f32.set(src, p.value >>> 2);
  }

  /** Fills an i32 index buffer 0..n-1 and shuffles it with the model's PRNG (for an epoch). */
  shuffle(order: Int32Array, ptr: number): void {
    this.refreshViews();
    const n = order.length;
    const base = ptr >>> 2;
    for (let i = 0; i < n; i++) this.i32[base + i] = order[i];
    this.k.pcg_shuffle(this.shuffleState, ptr, n);
    this.refreshViews();
    order.set(this.i32.subarray(base, base + n));
  }

  /** Whether the loss can absorb the last layer's activation (softmax + CE, sigmoid + BCE). */
  static fusable(last: Layer, loss: Loss): boolean {
    const act = last.fusable?.code ?? -1;
    const kind = loss.kind;
    return !loss.fromLogits && (((kind === "cce" || kind === "scce") && act === Act.softmax) || (kind === "bce" && act === Act.sigmoid));
  }
}
