// Training callbacks: plain objects with optional hooks (may be async), plus Keras's earlyStopping
// (restoreBestWeights works), terminateOnNaN and a learning-rate schedule.
import { checkNumber, checkOptions, invalid } from "./errors.js";

export type Logs = Record<string, number>;

export interface ModelLike {
  stopTraining: boolean;
  getWeights(): { data: Float32Array; shape: number[] }[];
  setWeights(w: { data: Float32Array; shape: number[] }[]): void;
  readonly optimizer: { learningRate: number } | undefined;
}

export interface Callback {
  setModel?(model: ModelLike): void;
  /** @internal Called by fit before training with the keys its logs will hold; throws if one it needs is missing. */
  checkKeys?(keys: string[]): void;
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs?: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs?: Logs): void | Promise<void>;
}

/** The hooks fit calls, in TF.js's and Keras's camelCase spelling. */
export const HOOKS = ["onTrainBegin", "onTrainEnd", "onEpochBegin", "onEpochEnd", "onBatchBegin", "onBatchEnd"] as const;

export interface EarlyStoppingArgs {
  monitor?: string;
  minDelta?: number;
  patience?: number;
  mode?: "auto" | "min" | "max";
  baseline?: number;
  restoreBestWeights?: boolean;
  /** TF.js's option; only 0. */
  verbose?: 0;
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
    checkOptions("callbacks.earlyStopping(args)", a, ["monitor", "minDelta", "patience", "mode", "baseline", "restoreBestWeights", "verbose"]);
    if (a.baseline !== undefined) checkNumber("callbacks.earlyStopping({ baseline })", a.baseline, -1e300, 1e300);
    if (a.restoreBestWeights !== undefined && typeof a.restoreBestWeights !== "boolean") throw invalid("callbacks.earlyStopping({ restoreBestWeights })", a.restoreBestWeights, "true or false");
    if (a.verbose !== undefined && a.verbose !== 0) throw invalid("callbacks.earlyStopping({ verbose })", a.verbose, "0 (it prints nothing; its stoppedEpoch says when it stopped)");
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

  checkKeys(keys: string[]): void {
    if (keys.includes(this.monitor)) return;
    const hint = this.monitor.startsWith("val_") && !keys.some((k) => k.startsWith("val_")) ? " (val_ keys need validationData or validationSplit)" : "";
    throw invalid("callbacks.earlyStopping({ monitor })", this.monitor, `one of the keys fit() logs: ${keys.map((k) => `'${k}'`).join(", ")}${hint}`);
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

/**
 * Stops training at the first batch whose loss or gradient is NaN or infinite, before its update: the
 * model keeps its last finite weights (Keras's stops after it, with the weights already NaN). fit does
 * the checking (a pass over the gradients per batch, only while this callback is given); History's
 * nonFinite says which batch.
 */
export class TerminateOnNaN implements Callback {}

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
