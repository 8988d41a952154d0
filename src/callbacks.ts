// Training callbacks: plain objects with optional hooks (may be async), plus Keras's earlyStopping
// (restoreBestWeights works), terminateOnNaN and a learning-rate schedule.
import { checkNumber, invalid } from "./errors.js";

export type Logs = Record<string, number>;

export interface ModelLike {
  stopTraining: boolean;
  getWeights(): { data: Float32Array; shape: number[] }[];
  setWeights(w: { data: Float32Array; shape: number[] }[]): void;
  readonly optimizer: { learningRate: number } | undefined;
}

export interface Callback {
  setModel?(model: ModelLike): void;
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs?: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs?: Logs): void | Promise<void>;
}

export interface EarlyStoppingArgs {
  monitor?: string;
  minDelta?: number;
  patience?: number;
  mode?: "auto" | "min" | "max";
  baseline?: number;
  restoreBestWeights?: boolean;
}

/** Stops when `monitor` has not improved by minDelta for `patience` epochs (Keras semantics). */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: "min" | "max";
  readonly baseline?: number;
  readonly restoreBestWeights: boolean;
  stoppedEpoch = 0;
  private model?: ModelLike;
  private best = 0;
  private wait = 0;
  private bestWeights?: { data: Float32Array; shape: number[] }[];

  constructor(a: EarlyStoppingArgs = {}) {
    this.monitor = a.monitor ?? "val_loss";
    if (typeof this.monitor !== "string") throw invalid("callbacks.earlyStopping({ monitor })", a.monitor, "a History key such as 'val_loss'");
    this.minDelta = Math.abs(checkNumber("callbacks.earlyStopping({ minDelta })", a.minDelta ?? 0, -1e30, 1e30));
    this.patience = a.patience ?? 0;
    if (!Number.isInteger(this.patience) || this.patience < 0) throw invalid("callbacks.earlyStopping({ patience })", a.patience, "a non-negative integer");
    const mode = a.mode ?? "auto";
    if (!["auto", "min", "max"].includes(mode)) throw invalid("callbacks.earlyStopping({ mode })", a.mode, "'auto', 'min' or 'max'");
    this.mode = mode === "auto" ? (/acc/.test(this.monitor) ? "max" : "min") : (mode as "min" | "max");
    this.baseline = a.baseline;
    this.restoreBestWeights = a.restoreBestWeights ?? false;
  }

  setModel(model: ModelLike): void {
    this.model = model;
  }

  private better(a: number, b: number): boolean {
    return this.mode === "min" ? a < b - this.minDelta : a > b + this.minDelta;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.baseline ?? (this.mode === "min" ? Infinity : -Infinity);
    this.bestWeights = undefined;
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    const current = logs[this.monitor];
    if (current === undefined) throw invalid("callbacks.earlyStopping({ monitor })", this.monitor, `one of the logged keys: ${Object.keys(logs).join(", ")}`);
    if (this.restoreBestWeights && this.bestWeights === undefined) this.bestWeights = this.model?.getWeights();
    this.wait++;
    if (this.better(current, this.best)) {
      this.best = current;
      this.wait = 0;
      if (this.restoreBestWeights) this.bestWeights = this.model?.getWeights();
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      if (this.model) {
        this.model.stopTraining = true;
        if (this.restoreBestWeights && this.bestWeights) this.model.setWeights(this.bestWeights);
      }
    }
  }
}

/** Stops training as soon as a batch's loss is NaN or infinite. */
export class TerminateOnNaN implements Callback {
  private model?: ModelLike;
  setModel(model: ModelLike): void {
    this.model = model;
  }
  onBatchEnd(_batch: number, logs?: Logs): void {
    const loss = logs?.loss;
    if (loss !== undefined && !Number.isFinite(loss) && this.model) this.model.stopTraining = true;
  }
}

/** Sets the optimizer's learning rate at the start of each epoch from schedule(epoch, currentRate). */
export class LearningRateScheduler implements Callback {
  private model?: ModelLike;
  constructor(private readonly schedule: (epoch: number, lr: number) => number) {
    if (typeof schedule !== "function") throw invalid("callbacks.learningRateScheduler(schedule)", schedule, "a function (epoch, lr) => lr");
  }
  setModel(model: ModelLike): void {
    this.model = model;
  }
  onEpochBegin(epoch: number): void {
    const opt = this.model?.optimizer;
    if (!opt) return;
    const lr = this.schedule(epoch, opt.learningRate);
    opt.learningRate = checkNumber("learningRateScheduler's schedule(epoch, lr) result", lr, 0, 1e6);
  }
}

export const callbacks = {
  earlyStopping: (a?: EarlyStoppingArgs) => new EarlyStopping(a),
  terminateOnNaN: () => new TerminateOnNaN(),
  learningRateScheduler: (schedule: (epoch: number, lr: number) => number) => new LearningRateScheduler(schedule),
};
